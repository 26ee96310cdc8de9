// The definitions of warden/jwt/jws.hpp, included at its end: splitting and decoding a
// compact JWS (per-thread buffers, so verification does not allocate), checking its
// header against the key's algorithm (a header equal to the key's canonical one skips
// parsing), selecting the key by `kid`, and writing a protected header.
#ifndef WARDEN_JWT_IMPL_JWS_HPP
#define WARDEN_JWT_IMPL_JWS_HPP

namespace warden::jwt {

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
    if (warden::detail::iequals(alg_name, "none")) return errc::alg_none;
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
    if (h->cty == member_kind::string) info.nested = warden::detail::iequals(h->cty_text, "JWT");

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

inline std::error_code verify_jws(std::string_view token, const key& k, std::string& payload,
                                  const verify_options& opt) {
    return detail::verify_jws_impl(token, k, payload, opt);
}

inline std::error_code verify_jws(std::string_view token, const key_set& keys, std::string& payload,
                                  const verify_options& opt) {
    return detail::verify_jws_impl(token, keys, payload, opt);
}

inline std::error_code sign_jws(const key& k, std::string_view payload, std::string& token,
                                const sign_options& opt) {
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

inline std::string sign_jws(const key& k, std::string_view payload, const sign_options& opt) {
    std::string token;
    if (auto ec = sign_jws(k, payload, token, opt)) throw std::system_error(ec, "warden::jwt::sign_jws");
    return token;
}

} // namespace warden::jwt

#endif
