/// @file
/// JWS compact serialization (RFC 7515): strict signing and signature verification.
///
/// Verification is strict and refuses, before any signature check:
/// - anything but exactly three parts separated by two dots; parts that are not
///   canonical unpadded base64url (no `=`, `+`, `/`, whitespace or non-zero trailing
///   bits); a token over `limits::max_token_size` or a header over `max_header_size`;
/// - a header that is not a JSON object, repeats a member, is nested deeper than
///   `max_depth` or is not valid UTF-8;
/// - `alg` "none" in any letter case, and any `alg` other than the key's;
/// - `crit` (no extension is supported, so any critical member is unknown),
///   `b64: false` (RFC 7797), and by default `jku`, `x5u`, `x5c` and `jwk`: keys come
///   from configuration only and these members are never fetched or trusted, so their
///   presence marks a token built for another verifier or an attack
///   (`verify_options::reject_key_headers = false` merely ignores them instead);
/// - a `kid` that selects no configured key (key_set.hpp).
/// MACs are compared in constant time. The payload is decoded only once the signature
/// has verified.
#ifndef WARDEN_JWT_JWS_HPP
#define WARDEN_JWT_JWS_HPP

#include <warden/crypto/base64.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/header.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt {

/// Size and nesting limits applied before and while parsing a token.
struct limits {
    std::size_t max_token_size = 8 * 1024; ///< Whole compact token, in bytes.
    std::size_t max_header_size = 1024;    ///< Decoded protected header, in bytes.
    std::size_t max_depth = 16;            ///< JSON nesting of header and claims.
};

/// Options of signature verification.
struct verify_options {
    limits lim{};
    /// Refuse tokens whose header has `jku`, `x5u`, `x5c` or `jwk` (the default). When
    /// false they are ignored; they are never used either way.
    bool reject_key_headers = true;
};

/// Options of signing: the protected header is `{"alg":..,"kid":..,"typ":..}` with keys
/// sorted, as PyJWT writes it.
struct sign_options {
    std::string_view typ = "JWT"; ///< Empty: no `typ` member.
    bool include_kid = true;      ///< Write the key's `kid` when it has one.
};

namespace detail {

// Per-thread buffers reused by every verification so the verify path does not allocate
// once warm (decoded header, signature and claims).
struct jws_scratch {
    std::string header;
    std::string signature;
    std::string payload;
};

inline jws_scratch& scratch() {
    thread_local jws_scratch s;
    return s;
}

struct compact_parts {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input; // header '.' payload, as the signer saw it
};

inline std::error_code split_compact(std::string_view token, const limits& lim, compact_parts& out) noexcept {
    if (token.size() > lim.max_token_size) return errc::too_large;
    auto d1 = token.find('.');
    if (d1 == std::string_view::npos) return errc::bad_format;
    auto d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return errc::bad_format;
    out.header = token.substr(0, d1);
    out.payload = token.substr(d1 + 1, d2 - d1 - 1);
    out.signature = token.substr(d2 + 1);
    out.signing_input = token.substr(0, d2);
    if (out.header.empty() || out.signature.empty()) return errc::bad_format;
    // Decoded size is 3/4 of the text: refuse before decoding.
    if (out.header.size() / 4 * 3 > lim.max_header_size) return errc::too_large;
    return {};
}

inline bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// What the JWT layer needs to know about a verified header.
struct header_info {
    bool nested = false; // cty: JWT
};

// The header warden (sign_jws with default options, a key without kid) and PyJWT write
// for `alg`: `{"alg":"<alg>","typ":"JWT"}`, base64url-encoded; and its decoded size.
struct canonical_header {
    std::string b64;
    std::size_t decoded_size = 0;
};

inline const canonical_header& canonical_header_for(algorithm alg) {
    static const auto table = [] {
        constexpr algorithm all[] = {algorithm::hs256, algorithm::hs384, algorithm::hs512, algorithm::rs256,
                                     algorithm::rs384, algorithm::rs512, algorithm::ps256, algorithm::ps384,
                                     algorithm::ps512, algorithm::es256, algorithm::es384, algorithm::es512,
                                     algorithm::eddsa};
        std::array<canonical_header, std::size(all)> t;
        for (algorithm a : all) {
            std::string json = "{\"alg\":\"" + std::string(to_string(a)) + "\",\"typ\":\"JWT\"}";
            t[static_cast<std::size_t>(a)] = {crypto::base64url_encode(json), json.size()};
        }
        return t;
    }();
    return table[static_cast<std::size_t>(alg)];
}

// Decodes and checks the protected header, then finds the key: `select(kid)` returns a
// key pointer (or nullptr with the error set).
template <class Select>
std::error_code check_header(std::string_view header_b64, const verify_options& opt, Select&& select,
                             const key*& chosen, header_info& info) {
    // Fast path for the usual token: a header byte-identical to the canonical header of
    // the key that a header without `kid` selects. The full check below would accept it
    // with that key (alg matches, nothing else present), so the outcome is the same
    // without decoding or parsing it. Any other header, or a failed selection, takes the
    // full check.
    if (opt.lim.max_depth >= 1) {
        std::error_code ignored;
        if (const key* k = select(std::nullopt, ignored)) {
            const canonical_header& c = canonical_header_for(k->alg());
            if (header_b64 == c.b64 && c.decoded_size <= opt.lim.max_header_size) {
                chosen = k;
                info = {};
                return {};
            }
        }
    }
    std::string& text = scratch().header;
    if (crypto::base64url_decode(header_b64, text)) return errc::bad_base64;
    if (text.size() > opt.lim.max_header_size) return errc::too_large;
    const header_fields* h = nullptr;
    if (auto ec = parse_header(text, opt.lim.max_depth, h)) return ec;
    // Checks in a fixed order, so a token breaking several rules always gets the same reason.
    if (h->alg != member_kind::string) return errc::bad_header;
    std::string_view alg_name = h->alg_text;
    if (iequals_ascii(alg_name, "none")) return errc::alg_none;
    if (h->crit) return errc::crit_unsupported;
    if (h->b64 != member_kind::absent) {
        if (h->b64 != member_kind::boolean) return errc::bad_header;
        if (!h->b64_value) return errc::b64_false;
    }
    if (h->key_reference && opt.reject_key_headers) return errc::untrusted_key_header;
    std::optional<std::string_view> kid_name;
    if (h->kid != member_kind::absent) {
        if (h->kid != member_kind::string) return errc::bad_header;
        kid_name = std::string_view(h->kid_text);
    }
    if (h->cty == member_kind::string) info.nested = iequals_ascii(h->cty_text, "JWT");

    std::error_code ec;
    chosen = select(kid_name, ec);
    if (!chosen) return ec;
    // The key's algorithm decides; the header may only agree with it.
    if (alg_name != to_string(chosen->alg())) return errc::alg_mismatch;
    return {};
}

// Verifies header and signature; the payload part is returned still encoded.
template <class Select>
std::error_code verify_compact(std::string_view token, const verify_options& opt, Select&& select,
                               compact_parts& parts, header_info& info) {
    if (auto ec = split_compact(token, opt.lim, parts)) return ec;
    const key* k = nullptr;
    if (auto ec = check_header(parts.header, opt, select, k, info)) return ec;
    std::string& sig = scratch().signature;
    if (crypto::base64url_decode(parts.signature, sig)) return errc::bad_base64;
    return k->verify(parts.signing_input, sig);
}

inline auto select_from(const key& k) {
    return [&k](std::optional<std::string_view> kid, std::error_code& ec) -> const key* {
        ec = {};
        if (!k) {
            ec = errc::no_key;
            return nullptr;
        }
        // A lone key answers any token; with a kid of its own it answers only that kid.
        if (kid && !k.kid().empty() && *kid != k.kid()) {
            ec = errc::unknown_kid;
            return nullptr;
        }
        return &k;
    };
}

inline auto select_from(const key_set& ks) {
    return [&ks](std::optional<std::string_view> kid, std::error_code& ec) { return ks.select(kid, ec); };
}

template <class Keys>
std::error_code verify_jws_impl(std::string_view token, const Keys& keys, std::string& payload,
                                const verify_options& opt) {
    compact_parts parts;
    header_info info;
    if (auto ec = verify_compact(token, opt, select_from(keys), parts, info)) return ec;
    if (crypto::base64url_decode(parts.payload, payload)) return errc::bad_base64;
    return {};
}

inline std::error_code append_header_member(std::string& out, std::string_view name, std::string_view value) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    out.append(name);
    out.append("\":");
    return py_dump_string(value, out);
}

} // namespace detail

/// Verifies a compact JWS with `k` and returns its payload as raw bytes (which need
/// not be JSON): the entry point of `warden jws verify`.
/// @param payload receives the decoded payload on success (unspecified on failure).
/// @return empty on success, else the `errc` reason.
/// @code
/// std::string payload;
/// if (auto ec = warden::jwt::verify_jws(token, key, payload)) fail(ec.message());
/// @endcode
inline std::error_code verify_jws(std::string_view token, const key& k, std::string& payload,
                                  const verify_options& opt = {}) {
    return detail::verify_jws_impl(token, k, payload, opt);
}

/// Verifies a compact JWS with the key its `kid` selects from `keys`.
inline std::error_code verify_jws(std::string_view token, const key_set& keys, std::string& payload,
                                  const verify_options& opt = {}) {
    return detail::verify_jws_impl(token, keys, payload, opt);
}

/// Signs `payload` (any bytes) with `k` into a compact JWS.
/// @return `errc::key_cannot_sign` for a public key, `errc::no_key` for an empty one,
///         `errc::bad_json` when the key's `kid` or `opt.typ` is not valid UTF-8.
inline std::error_code sign_jws(const key& k, std::string_view payload, std::string& token,
                                const sign_options& opt = {}) {
    if (!k) return errc::no_key;
    std::string header = "{";
    detail::append_header_member(header, "alg", to_string(k.alg()));
    if (opt.include_kid && !k.kid().empty())
        if (auto ec = detail::append_header_member(header, "kid", k.kid())) return ec; // not UTF-8
    if (!opt.typ.empty())
        if (auto ec = detail::append_header_member(header, "typ", opt.typ)) return ec;
    header.push_back('}');
    token = crypto::base64url_encode(header);
    token.push_back('.');
    token.append(crypto::base64url_encode(payload));
    std::string sig;
    if (auto ec = k.sign(token, sig)) return ec;
    token.push_back('.');
    token.append(crypto::base64url_encode(sig));
    return {};
}

/// Throwing form of `sign_jws()`.
inline std::string sign_jws(const key& k, std::string_view payload, const sign_options& opt = {}) {
    std::string token;
    if (auto ec = sign_jws(k, payload, token, opt)) throw std::system_error(ec, "warden::jwt::sign_jws");
    return token;
}

} // namespace warden::jwt

#endif
