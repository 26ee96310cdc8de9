/// @file
/// djangorestframework-simplejwt 5.2 compatibility: SIMPLE_JWT settings, the access,
/// refresh and sliding token types, minting that produces the same bytes simplejwt
/// would, and failures classified with simplejwt's messages.
///
/// The pieces map one to one:
/// | simplejwt                          | warden                                     |
/// |------------------------------------|--------------------------------------------|
/// | `SIMPLE_JWT = {...}`               | `jwt::settings`                            |
/// | `TokenBackend`                     | `jwt::token_backend`                       |
/// | `TokenBackend.decode(raw)`         | `token_backend::decode(raw, claims, now)`  |
/// | `AccessToken(raw)` (and others)    | `token_backend::validate(raw, type, ...)`  |
/// | `RefreshToken.for_user(user)`      | `token::for_user(token_type::refresh, ...)`|
/// | `refresh.access_token`             | `token::access_token(settings)`            |
/// | `str(token)`                       | `token_backend::encode(token)`             |
/// | `TokenError(message)`              | `std::error_code` + `simplejwt_message()`  |
///
/// Differences, all stricter: `exp` must be a number (simplejwt fails with a server
/// error on a string), a token carrying `aud` is refused when no audience is configured,
/// and every check of jws.hpp and jwt.hpp applies (duplicate members, `crit`, ...).
#ifndef WARDEN_JWT_SIMPLEJWT_HPP
#define WARDEN_JWT_SIMPLEJWT_HPP

#include <warden/core/cookie.hpp>
#include <warden/crypto/random.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::jwt {

/// simplejwt's token classes.
enum class token_type { access, refresh, sliding, untyped };

/// The `token_type` claim value: "access", "refresh", "sliding" ("untyped" is never written).
constexpr std::string_view to_string(token_type t) noexcept {
    switch (t) {
    case token_type::access: return "access";
    case token_type::refresh: return "refresh";
    case token_type::sliding: return "sliding";
    case token_type::untyped: return "untyped";
    }
    return "";
}

/// simplejwt's class name for `t` ("AccessToken", ...), as its error `messages` list it.
constexpr std::string_view token_class_name(token_type t) noexcept {
    switch (t) {
    case token_type::access: return "AccessToken";
    case token_type::refresh: return "RefreshToken";
    case token_type::sliding: return "SlidingToken";
    case token_type::untyped: return "UntypedToken";
    }
    return "";
}

/// The SIMPLE_JWT settings, with simplejwt 5.2's defaults.
///
/// Key material: for HS* algorithms `signing_key` is the shared secret (raw bytes, at
/// least as long as the hash unless `allow_short_hmac_key`) and `verifying_key` is
/// ignored, as in simplejwt. For other algorithms `signing_key` is a private key (PEM
/// or JWK, may be empty on a verify-only service) and `verifying_key` a public key
/// (PEM or JWK) or a JWK Set; when empty, the signing key verifies.
///
/// Claim-name settings that simplejwt allows to be None are empty strings here.
struct settings {
    std::chrono::seconds access_token_lifetime = std::chrono::minutes(5);   ///< ACCESS_TOKEN_LIFETIME
    std::chrono::seconds refresh_token_lifetime = std::chrono::hours(24);   ///< REFRESH_TOKEN_LIFETIME
    bool rotate_refresh_tokens = false;                                     ///< ROTATE_REFRESH_TOKENS
    bool blacklist_after_rotation = false;                                  ///< BLACKLIST_AFTER_ROTATION
    bool update_last_login = false;                                         ///< UPDATE_LAST_LOGIN
    algorithm alg = algorithm::hs256;                                       ///< ALGORITHM
    std::string signing_key;                                                ///< SIGNING_KEY
    std::string verifying_key;                                              ///< VERIFYING_KEY
    std::vector<std::string> audience;                                      ///< AUDIENCE (empty: None)
    std::optional<std::string> issuer;                                      ///< ISSUER
    std::chrono::seconds leeway{0};                                         ///< LEEWAY
    std::vector<std::string> auth_header_types{"Bearer"};                   ///< AUTH_HEADER_TYPES
    std::vector<token_type> auth_token_types{token_type::access};           ///< AUTH_TOKEN_CLASSES
    std::string user_id_field = "id";                                       ///< USER_ID_FIELD
    std::string user_id_claim = "user_id";                                  ///< USER_ID_CLAIM
    std::string token_type_claim = "token_type";                            ///< TOKEN_TYPE_CLAIM
    std::string jti_claim = "jti";                                          ///< JTI_CLAIM
    std::string sliding_token_refresh_exp_claim = "refresh_exp";            ///< SLIDING_TOKEN_REFRESH_EXP_CLAIM
    std::chrono::seconds sliding_token_lifetime = std::chrono::minutes(5);  ///< SLIDING_TOKEN_LIFETIME
    std::chrono::seconds sliding_token_refresh_lifetime = std::chrono::hours(24); ///< SLIDING_TOKEN_REFRESH_LIFETIME

    // warden additions.
    /// Accept an HMAC `signing_key` shorter than the hash output (32 bytes for HS256).
    /// Off by default; for interoperating with a deployment whose key cannot change.
    bool allow_short_hmac_key = false;
    /// Size, nesting and header policy of token parsing.
    verify_options jws{};

    /// The cookies of the JWT-in-cookie flow (`jwt::cookie_auth` and the cookie views,
    /// warden/jwt/cookies.hpp; simplejwt's AUTH_COOKIE proposal, PR 157). Both are
    /// HttpOnly, so no script reads them, and Secure over TLS (or always, `secure`).
    struct cookie_settings {
        /// The access token's cookie, sent to every path under `access_path`.
        std::string access_name = "access_token";
        std::string access_path = "/";
        warden::same_site access_same_site = warden::same_site::lax;
        /// The refresh token's cookie, sent only to the refresh and logout views:
        /// `refresh_path` is the path both are routed under.
        std::string refresh_name = "refresh_token";
        std::string refresh_path = "/api/token/cookie/";
        warden::same_site refresh_same_site = warden::same_site::strict;
        /// The cookies' Domain (empty: this host only).
        std::string domain;
        /// Secure even over plain HTTP (they are Secure over TLS anyway).
        bool secure = false;
    } cookies;

    /// How long caches may keep the JWK Set (`jwt::jwks_view`'s `Cache-Control:
    /// max-age`): a key published now is certainly seen by every consumer after this.
    std::chrono::seconds jwks_max_age = std::chrono::hours(1);
};

/// The error `code` simplejwt puts in every InvalidToken body.
inline constexpr std::string_view token_not_valid_code = "token_not_valid";

/// The message simplejwt's `TokenError` carries for failure `ec` (what its views and
/// its authenticator's `messages` list show): "Token is invalid or expired" for every
/// decoding, signature and registered-claim failure, and the specific messages for the
/// checks simplejwt makes itself ("Token has no type", "Token has wrong type", ...).
/// `s` supplies the sliding refresh claim's name.
inline std::string simplejwt_message(std::error_code ec, const settings& s = {}) {
    if (ec.category() == jwt_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::missing_exp: return "Token has no 'exp' claim";
        case errc::missing_refresh_exp: return "Token has no '" + s.sliding_token_refresh_exp_claim + "' claim";
        case errc::refresh_expired: return "Token '" + s.sliding_token_refresh_exp_claim + "' claim has expired";
        case errc::missing_jti: return "Token has no id";
        case errc::missing_token_type: return "Token has no type";
        case errc::wrong_token_type: return "Token has wrong type";
        case errc::blacklisted: return "Token is blacklisted";
        case errc::missing_user_id: return "Token contained no recognizable user identification";
        default: break;
        }
    }
    return "Token is invalid or expired";
}

/// One entry of the `messages` list of simplejwt's "Given token not valid for any token
/// type" body: `{"token_class": "AccessToken", "token_type": "access", "message": ...}`.
inline boost::json::object simplejwt_message_entry(token_type t, std::error_code ec, const settings& s = {}) {
    boost::json::object o;
    o["token_class"] = token_class_name(t);
    o["token_type"] = to_string(t);
    o["message"] = simplejwt_message(ec, s);
    return o;
}

namespace detail {

// The checks of verify_token_claims over `claims` or `object_claims`.
template <class Claims>
std::error_code check_token_claims(const Claims& c, token_type expected, const settings& s) noexcept {
    if (!s.jti_claim.empty() && !c.contains(s.jti_claim)) return errc::missing_jti;
    if (expected == token_type::untyped || s.token_type_claim.empty()) return {};
    auto type = c.string_claim(s.token_type_claim);
    if (!type) return c.contains(s.token_type_claim) ? errc::wrong_token_type : errc::missing_token_type;
    if (*type != to_string(expected)) return errc::wrong_token_type;
    return {};
}

} // namespace detail

/// simplejwt's `Token.verify()` after decoding (and after its blacklist check, which
/// the blacklist store adds): the `jti` claim is present, then `token_type` is present
/// and equals `expected` (not checked for `untyped`, or when the claim setting is empty).
/// `exp` presence is enforced earlier, by decoding.
inline std::error_code verify_token_claims(const boost::json::object& payload, token_type expected,
                                           const settings& s) noexcept {
    return detail::check_token_claims(detail::object_claims{payload}, expected, s);
}

/// The same checks on verified claims, read from their table (no DOM).
inline std::error_code verify_token_claims(const claims& c, token_type expected, const settings& s) noexcept {
    return detail::check_token_claims(c, expected, s);
}

/// A token being built or re-issued: simplejwt's `Token` without the network.
///
/// The payload keeps simplejwt's member order (token_type, exp, iat, jti, then the
/// rest), which with `token_backend::encode` gives byte-identical tokens.
///
/// @code
/// auto now = std::chrono::system_clock::now();
/// auto refresh = jwt::token::for_user(jwt::token_type::refresh, user.id, cfg, now);
/// auto access = refresh.access_token(cfg);
/// std::string pair_refresh = backend.encode(refresh), pair_access = backend.encode(access);
/// @endcode
class token {
public:
    using time_point = std::chrono::system_clock::time_point;

    /// A new token of type `t` at `now`: `token_type`, `exp` (now + lifetime), `iat`,
    /// `jti`, and for sliding tokens the refresh expiry claim.
    static token create(token_type t, const settings& s, time_point now) {
        token tok(t, now);
        if (!s.token_type_claim.empty()) tok.payload_[s.token_type_claim] = to_string(t);
        tok.set_exp("exp", now, lifetime_of(t, s));
        tok.set_iat("iat", now);
        tok.set_jti(s);
        if (t == token_type::sliding) tok.set_exp(s.sliding_token_refresh_exp_claim, now, s.sliding_token_refresh_lifetime);
        return tok;
    }

    /// `create()` plus the user id claim (`USER_ID_CLAIM`): an integer id stays a JSON
    /// integer, anything else is written as a string, as simplejwt does.
    static token for_user(token_type t, std::int64_t user_id, const settings& s, time_point now) {
        token tok = create(t, s, now);
        tok.payload_[s.user_id_claim] = user_id;
        return tok;
    }

    static token for_user(token_type t, std::string_view user_id, const settings& s, time_point now) {
        token tok = create(t, s, now);
        tok.payload_[s.user_id_claim] = user_id;
        return tok;
    }

    /// Wraps an already verified payload (for refresh, rotation and sliding refresh).
    static token from_claims(token_type t, boost::json::object payload, time_point now) {
        token tok(t, now);
        tok.payload_ = std::move(payload);
        return tok;
    }

    token_type type() const noexcept { return type_; }
    const boost::json::object& payload() const noexcept { return payload_; }
    boost::json::object& payload() noexcept { return payload_; }
    time_point current_time() const noexcept { return now_; }

    /// A fresh `jti`: a uuid4 as 32 lowercase hex digits from the CSPRNG.
    void set_jti(const settings& s) {
        if (!s.jti_claim.empty()) payload_[s.jti_claim] = new_jti();
    }

    /// Sets `claim` to `from + lifetime` in whole seconds (simplejwt's set_exp).
    void set_exp(std::string_view claim, time_point from, std::chrono::seconds lifetime) {
        payload_[claim] = detail::unix_seconds(from + lifetime);
    }

    /// `exp` from this token's time and its type's lifetime.
    void set_exp(const settings& s) { set_exp("exp", now_, lifetime_of(type_, s)); }

    /// Sets `claim` (normally "iat") to `at` in whole seconds.
    void set_iat(std::string_view claim, time_point at) { payload_[claim] = detail::unix_seconds(at); }
    void set_iat() { set_iat("iat", now_); }

    /// simplejwt's check_exp: `claim` present and later than `now - leeway`.
    /// @return `errc::missing_exp`/`expired` for "exp"; for any other claim (the sliding
    ///         refresh expiry) `errc::missing_refresh_exp`/`refresh_expired`;
    ///         `errc::bad_numeric_date` when not a number.
    std::error_code check_exp(std::string_view claim, std::chrono::seconds leeway, time_point now) const noexcept {
        const bool is_exp = claim == "exp";
        auto it = payload_.find(claim);
        if (it == payload_.end()) return is_exp ? errc::missing_exp : errc::missing_refresh_exp;
        double when = 0;
        if (auto n = it->value().if_int64()) when = static_cast<double>(*n);
        else if (auto u = it->value().if_uint64()) when = static_cast<double>(*u);
        else if (auto d = it->value().if_double()) when = *d;
        else return errc::bad_numeric_date;
        double limit = std::chrono::duration<double>((now - leeway).time_since_epoch()).count();
        if (when <= limit) return is_exp ? errc::expired : errc::refresh_expired;
        return {};
    }

    /// The access token of a refresh token (simplejwt's `refresh.access_token`): a new
    /// `jti`, `exp` from this token's time plus ACCESS_TOKEN_LIFETIME, and every other
    /// claim copied (including `iat` and the user id).
    token access_token(const settings& s) const {
        token access = create(token_type::access, s, now_);
        access.set_exp("exp", now_, s.access_token_lifetime);
        for (const auto& kv : payload_) {
            std::string_view name = kv.key();
            if (name == "exp" || name == "jti" || (!s.token_type_claim.empty() && name == s.token_type_claim) ||
                (!s.jti_claim.empty() && name == s.jti_claim))
                continue;
            access.payload_.insert_or_assign(name, kv.value());
        }
        return access;
    }

    static std::string new_jti() {
        unsigned char b[16];
        if (auto ec = crypto::random_bytes(b)) throw std::system_error(ec, "warden::jwt::token");
        b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40); // version 4
        b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
        static constexpr char hex[] = "0123456789abcdef";
        std::string out(32, '0');
        for (int i = 0; i < 16; ++i) {
            out[2 * i] = hex[b[i] >> 4];
            out[2 * i + 1] = hex[b[i] & 15];
        }
        return out;
    }

    static std::chrono::seconds lifetime_of(token_type t, const settings& s) noexcept {
        switch (t) {
        case token_type::access: return s.access_token_lifetime;
        case token_type::refresh: return s.refresh_token_lifetime;
        case token_type::sliding: return s.sliding_token_lifetime;
        case token_type::untyped: return std::chrono::seconds{0};
        }
        return std::chrono::seconds{0};
    }

private:
    token(token_type t, time_point now) : type_(t), now_(now) {}

    token_type type_;
    boost::json::object payload_;
    time_point now_;
};

/// simplejwt's TokenBackend: the keys and rules built once from `settings`, then
/// encoding and decoding of tokens. Immutable after construction; share one instance
/// between threads.
///
/// @code
/// jwt::settings cfg;
/// cfg.signing_key = secret;                        // >= 32 bytes for HS256
/// jwt::token_backend backend{cfg};                 // throws on a bad key
/// jwt::claims c;                                   // per request
/// if (auto ec = backend.validate(raw, jwt::token_type::access, c, now))
///     reply_401(jwt::simplejwt_message(ec, cfg));
/// @endcode
class token_backend {
public:
    using time_point = std::chrono::system_clock::time_point;

    /// Builds keys from `s` (see `settings`). On failure `ec` is set and the backend
    /// can neither sign nor verify.
    token_backend(settings s, std::error_code& ec) : settings_(std::move(s)) { ec = init(); }

    /// @throws std::system_error when the keys in `s` are unusable.
    explicit token_backend(settings s) : settings_(std::move(s)) {
        if (auto ec = init()) throw std::system_error(ec, "warden::jwt::token_backend");
    }

    /// Uses keys built by the caller (for example a JWK Set); `settings.alg` is ignored
    /// for verification: each key carries its algorithm.
    token_backend(settings s, key signing, key_set verifying)
        : settings_(std::move(s)), signing_(std::move(signing)), verifying_(std::move(verifying)) {
        rules_ = rules_from(settings_);
    }

    const settings& config() const noexcept { return settings_; }
    const validation& rules() const noexcept { return rules_; }
    const key& signing_key() const noexcept { return signing_; }
    const key_set& verifying_keys() const noexcept { return verifying_; }

    /// Signs `payload` as simplejwt would: AUDIENCE and ISSUER added as `aud` and `iss`,
    /// JSON encoded like PyJWT, header `{"alg":..,"typ":"JWT"}`.
    std::error_code encode(const boost::json::object& payload, std::string& out) const {
        if (settings_.audience.empty() && !settings_.issuer) return sign_jwt(signing_, payload, out);
        boost::json::object p = payload;
        if (settings_.audience.size() == 1) {
            p.insert_or_assign("aud", settings_.audience.front());
        } else if (!settings_.audience.empty()) {
            boost::json::array a;
            for (const auto& x : settings_.audience) a.emplace_back(x);
            p.insert_or_assign("aud", std::move(a));
        }
        if (settings_.issuer) p.insert_or_assign("iss", *settings_.issuer);
        return sign_jwt(signing_, p, out);
    }

    /// `str(token)`. @throws std::system_error if the backend cannot sign.
    std::string encode(const token& t) const {
        std::string out;
        if (auto ec = encode(t.payload(), out)) throw std::system_error(ec, "warden::jwt::token_backend");
        return out;
    }

    /// TokenBackend.decode: signature and registered claims (exp required, nbf, iat,
    /// aud, iss, leeway). Every failure here reads "Token is invalid or expired" in
    /// simplejwt, except a missing `exp`.
    std::error_code decode(std::string_view raw, claims& out, time_point now) const {
        return verify_jwt(raw, verifying_, rules_, now, out);
    }

    /// `AccessToken(raw)`, `RefreshToken(raw)`, ...: `decode()` then
    /// `verify_token_claims()`. A blacklist check, when wanted, goes between the two
    /// (call them separately), as simplejwt checks the blacklist first.
    std::error_code validate(std::string_view raw, token_type t, claims& out, time_point now) const {
        if (auto ec = decode(raw, out, now)) return ec;
        if (auto ec = verify_token_claims(out, t, settings_)) {
            out.clear();
            return ec;
        }
        return {};
    }

private:
    static validation rules_from(const settings& s) {
        validation v;
        v.leeway = s.leeway;
        v.audience = s.audience;
        v.issuer = s.issuer;
        v.require_exp = true;
        v.jws = s.jws;
        return v;
    }

    std::error_code init() {
        rules_ = rules_from(settings_);
        std::error_code ec;
        if (family(settings_.alg) == key_family::hmac) {
            signing_ = key::hmac(settings_.alg, settings_.signing_key, ec,
                                 key_options{.min_hmac_key_length = !settings_.allow_short_hmac_key});
            if (ec) return ec;
            verifying_ = key_set(signing_);
            return {};
        }
        if (!settings_.signing_key.empty()) {
            signing_ = key::load(settings_.alg, settings_.signing_key, ec);
            if (ec) return ec;
            if (!signing_.can_sign()) return errc::key_cannot_sign;
        }
        if (!settings_.verifying_key.empty()) {
            auto first = settings_.verifying_key.find_first_not_of(" \t\r\n");
            if (first != std::string::npos && settings_.verifying_key[first] == '{') {
                jwks_options opt;
                opt.default_alg = settings_.alg;
                verifying_ = key_set::from_jwks(settings_.verifying_key, ec, opt);
            } else {
                key k = key::load(settings_.alg, settings_.verifying_key, ec);
                if (!ec) verifying_ = key_set(std::move(k));
            }
            if (ec) return ec;
        } else if (signing_) {
            verifying_ = key_set(signing_);
        } else {
            return errc::no_key;
        }
        return {};
    }

    settings settings_;
    validation rules_;
    key signing_;
    key_set verifying_;
};

} // namespace warden::jwt

#endif
