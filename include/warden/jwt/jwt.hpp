/// @file
/// JWT (RFC 7519) on top of JWS: claims parsing into a reusable arena, registered-claim
/// validation with an injected clock, and signing with PyJWT's exact encoding.
///
/// Claims rules (`validation`):
/// - `exp` is required by default; a token is expired when `exp <= now - leeway`;
/// - `nbf` and `iat` later than `now + leeway` are refused;
/// - `exp`, `nbf` and `iat` must be JSON numbers (integers or decimals; a string or a
///   boolean is `errc::bad_numeric_date`); decimals are truncated like PyJWT's `int()`
///   for `exp`/`nbf`;
/// - `iss` must equal the configured issuer exactly; `aud` (a string or an array of
///   strings) must contain one of the configured audiences; with no audience configured
///   a token carrying `aud` is refused (RFC 7519 4.1.3: it is meant for someone else);
/// - claims listed in `required_claims` must be present.
/// Checks run in PyJWT's order (required claims, iat, nbf, exp, iss, aud), then the
/// `exp` requirement, so the first failure reported matches simplejwt's.
#ifndef WARDEN_JWT_JWT_HPP
#define WARDEN_JWT_JWT_HPP

#include <warden/jwt/detail/json.hpp>
#include <warden/crypto/base64.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::jwt {

/// A verified claim set, parsed into an arena that lives inside this object.
///
/// The first few kilobytes come from an inline buffer, so verifying a typical token
/// into a `claims` (on the stack, or reused) does not touch the heap. Not copyable or
/// movable (the JSON points into the object); use `to_object()` for a free-standing copy.
///
/// @code
/// warden::jwt::claims c;
/// if (!warden::jwt::verify_jwt(token, keys, rules, std::chrono::system_clock::now(), c))
///     auto user = c.object().at("user_id");
/// @endcode
class claims {
public:
    claims() noexcept : mr_(buf_, sizeof buf_), value_(&mr_) {}
    claims(const claims&) = delete;
    claims& operator=(const claims&) = delete;

    /// The claims (an empty object before a successful verification).
    const boost::json::object& object() const noexcept {
        static const boost::json::object empty;
        const auto* o = value_.if_object();
        return o ? *o : empty;
    }

    /// The claim `name`, or nullptr.
    const boost::json::value* find(std::string_view name) const noexcept {
        const auto* o = value_.if_object();
        if (!o) return nullptr;
        auto it = o->find(name);
        return it == o->end() ? nullptr : &it->value();
    }

    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

    /// A copy of the claims with default storage, to keep beyond this object.
    boost::json::object to_object() const { return boost::json::object(object(), boost::json::storage_ptr{}); }

    /// Forgets the claims and rewinds the arena.
    void clear() noexcept {
        value_ = nullptr;
        mr_.release();
    }

    /// Parses `json` as the claims (strict: an object, no duplicate members).
    std::error_code parse(std::string_view json, std::size_t max_depth) {
        clear();
        std::error_code ec;
        boost::json::value v = detail::parse_strict(json, &mr_, max_depth, ec);
        if (ec) return ec;
        if (!v.is_object()) return errc::not_an_object;
        value_ = std::move(v); // same storage: moved, not copied
        return {};
    }

private:
    alignas(std::max_align_t) unsigned char buf_[2048];
    boost::json::monotonic_resource mr_;
    boost::json::value value_;
};

/// Rules for the registered claims; see the file comment.
struct validation {
    std::chrono::seconds leeway{0};              ///< Clock skew allowed on exp, nbf, iat.
    bool require_exp = true;                     ///< A token without `exp` is refused.
    bool verify_exp = true;                      ///< Check `exp` against the clock.
    bool verify_nbf = true;                      ///< Check `nbf` against the clock.
    bool verify_iat = true;                      ///< Refuse an `iat` in the future.
    std::vector<std::string> audience;           ///< Accepted audiences (any one matches).
    std::optional<std::string> issuer;           ///< Required `iss`, when set.
    std::vector<std::string> required_claims;    ///< Claims that must be present.
    verify_options jws{};                        ///< Limits and header policy.
};

namespace detail {

// A NumericDate as whole seconds: integers as they are, decimals truncated toward zero
// (PyJWT's int()), saturated to the int64 range. False when not a JSON number.
inline bool numeric_date(const boost::json::value& v, std::int64_t& out) noexcept {
    switch (v.kind()) {
    case boost::json::kind::int64: out = v.get_int64(); return true;
    case boost::json::kind::uint64: {
        auto u = v.get_uint64();
        out = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                  ? std::numeric_limits<std::int64_t>::max()
                  : static_cast<std::int64_t>(u);
        return true;
    }
    case boost::json::kind::double_: {
        double d = std::trunc(v.get_double());
        if (d >= 9.2e18) out = std::numeric_limits<std::int64_t>::max();
        else if (d <= -9.2e18) out = std::numeric_limits<std::int64_t>::min();
        else out = static_cast<std::int64_t>(d);
        return true;
    }
    default: return false;
    }
}

inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

} // namespace detail

/// Checks the registered claims of `c` against `rules` at time `now`.
/// @return empty, or `errc::missing_claim`, `bad_numeric_date`, `iat_in_future`,
///         `not_yet_valid`, `expired`, `bad_issuer`, `bad_audience`, `missing_exp`.
inline std::error_code validate_claims(const boost::json::object& c, const validation& rules,
                                       std::chrono::system_clock::time_point now) noexcept {
    for (const auto& name : rules.required_claims)
        if (!c.contains(name)) return errc::missing_claim;
    const std::int64_t t = detail::unix_seconds(now);
    const std::int64_t leeway = rules.leeway.count();
    // One pass over the claims (cheaper than a lookup per registered claim).
    const boost::json::value *iat = nullptr, *nbf = nullptr, *exp = nullptr, *iss_claim = nullptr, *aud_claim = nullptr;
    for (const auto& kv : c) {
        std::string_view name = kv.key();
        if (name.size() != 3) continue;
        if (name == "exp") exp = &kv.value();
        else if (name == "iat") iat = &kv.value();
        else if (name == "nbf") nbf = &kv.value();
        else if (name == "iss") iss_claim = &kv.value();
        else if (name == "aud") aud_claim = &kv.value();
    }
    std::int64_t value = 0;
    if (iat) {
        if (!detail::numeric_date(*iat, value)) return errc::bad_numeric_date;
        // PyJWT compares iat without truncation.
        if (rules.verify_iat) {
            bool future = iat->is_double() ? iat->get_double() > static_cast<double>(t + leeway) : value > t + leeway;
            if (future) return errc::iat_in_future;
        }
    }
    if (nbf) {
        if (!detail::numeric_date(*nbf, value)) return errc::bad_numeric_date;
        if (rules.verify_nbf && value > t + leeway) return errc::not_yet_valid;
    }
    if (exp) {
        if (!detail::numeric_date(*exp, value)) return errc::bad_numeric_date;
        if (rules.verify_exp && value <= t - leeway) return errc::expired;
    }
    if (rules.issuer) {
        const auto* iss = iss_claim;
        if (!iss || !iss->is_string() || iss->get_string() != *rules.issuer) return errc::bad_issuer;
    }
    if (const auto* aud = aud_claim) {
        if (rules.audience.empty()) return errc::bad_audience;
        auto accepted = [&](const boost::json::value& a) {
            if (!a.is_string()) return false;
            for (const auto& want : rules.audience)
                if (a.get_string() == want) return true;
            return false;
        };
        bool ok = false;
        if (aud->is_string()) {
            ok = accepted(*aud);
        } else if (const auto* arr = aud->if_array()) {
            for (const auto& a : *arr) {
                if (!a.is_string()) return errc::bad_audience;
                ok = ok || accepted(a);
            }
        } else {
            return errc::bad_audience;
        }
        if (!ok) return errc::bad_audience;
    } else if (!rules.audience.empty()) {
        return errc::bad_audience;
    }
    if (!exp && rules.require_exp) return errc::missing_exp;
    return {};
}

namespace detail {

template <class Keys>
std::error_code verify_jwt_impl(std::string_view token, const Keys& keys, const validation& rules,
                                std::chrono::system_clock::time_point now, claims& out) {
    out.clear();
    compact_parts parts;
    header_info info;
    if (auto ec = verify_compact(token, rules.jws, select_from(keys), parts, info)) return ec;
    if (info.nested) return errc::nested_jwt;
    std::string& payload = scratch().payload;
    if (crypto::base64url_decode(parts.payload, payload)) return errc::bad_base64;
    if (auto ec = out.parse(payload, rules.jws.lim.max_depth)) return ec;
    if (auto ec = validate_claims(out.object(), rules, now)) {
        out.clear();
        return ec;
    }
    return {};
}

} // namespace detail

/// Verifies a JWT: signature (jws.hpp), then claims (`validation`), at time `now`.
///
/// One call per request: the claims land in `out`'s arena, the decoding buffers are
/// per-thread and reused, and an HMAC key MACs with a cached keyed context, so the
/// call does not allocate once warm.
/// @return empty on success; otherwise the first `errc` reason and `out` is empty.
/// @code
/// using namespace std::chrono;
/// warden::jwt::claims c;
/// auto ec = warden::jwt::verify_jwt(token, key, {}, system_clock::now(), c);
/// auto ec2 = warden::jwt::verify_jwt(token, key, {}, sys_seconds{seconds{1700000000}}, c); // frozen clock
/// @endcode
inline std::error_code verify_jwt(std::string_view token, const key& k, const validation& rules,
                                  std::chrono::system_clock::time_point now, claims& out) {
    return detail::verify_jwt_impl(token, k, rules, now, out);
}

/// Verifies a JWT with the key its `kid` selects from `keys`.
inline std::error_code verify_jwt(std::string_view token, const key_set& keys, const validation& rules,
                                  std::chrono::system_clock::time_point now, claims& out) {
    return detail::verify_jwt_impl(token, keys, rules, now, out);
}

/// Signs a claim set into a JWT, encoding the claims byte for byte as PyJWT does
/// (`json.dumps(claims, separators=(",", ":"))`: member order kept, non-ASCII escaped)
/// under the header `{"alg":..,"kid":..,"typ":"JWT"}`.
/// @return `errc::bad_json` for claims Python could not encode as JSON (NaN, invalid
///         UTF-8), or the key's signing error.
inline std::error_code sign_jwt(const key& k, const boost::json::object& c, std::string& token,
                                const sign_options& opt = {}) {
    std::string payload;
    if (auto ec = detail::py_dump(c, payload)) return ec;
    return sign_jws(k, payload, token, opt);
}

/// Throwing form of `sign_jwt()`.
inline std::string sign_jwt(const key& k, const boost::json::object& c, const sign_options& opt = {}) {
    std::string token;
    if (auto ec = sign_jwt(k, c, token, opt)) throw std::system_error(ec, "warden::jwt::sign_jwt");
    return token;
}

/// Decodes header and claims WITHOUT verifying anything (for `warden jwt decode` and
/// debugging; never for authentication). Parsing is as strict as verification.
inline std::error_code decode_unverified(std::string_view token, boost::json::object& header,
                                         boost::json::object& payload, const limits& lim = {}) {
    detail::compact_parts parts;
    if (auto ec = detail::split_compact(token, lim, parts)) return ec;
    std::string text;
    auto parse_part = [&](std::string_view part, boost::json::object& out) -> std::error_code {
        if (crypto::base64url_decode(part, text)) return errc::bad_base64;
        boost::json::monotonic_resource mr;
        std::error_code ec;
        boost::json::value v = detail::parse_strict(text, &mr, lim.max_depth, ec);
        if (ec) return ec;
        if (!v.is_object()) return errc::not_an_object;
        out = boost::json::object(v.get_object(), boost::json::storage_ptr{});
        return {};
    };
    if (auto ec = parse_part(parts.header, header)) return ec;
    return parse_part(parts.payload, payload);
}

} // namespace warden::jwt

#endif
