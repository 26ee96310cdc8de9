/// @file
/// Error codes of the JWS/JWT layer (`warden::jwt::errc`) and their category.
///
/// Every reason is precise and free of secrets: messages name what was wrong (which
/// check, which claim) and never echo key material, signatures or token content. The
/// `warden jwt` command prints them; `simplejwt_message()` (simplejwt.hpp) maps them to
/// the strings simplejwt returns to HTTP clients.
///
/// @code
/// std::error_code ec = warden::jwt::verify_jwt(token, key, {}, now, claims);
/// if (ec == warden::jwt::errc::expired) { /* ... */ }
/// std::cerr << ec.message() << '\n';       // "the token has expired (exp)"
/// @endcode
#ifndef WARDEN_JWT_ERROR_HPP
#define WARDEN_JWT_ERROR_HPP

#include <string>
#include <system_error>

namespace warden::jwt {

/// Why a token, key or claim set was refused.
enum class errc {
    // Token structure and encoding.
    bad_format = 1,       ///< Not three base64url parts separated by two dots.
    bad_base64,           ///< A part is not canonical unpadded base64url.
    bad_json,             ///< Header or payload is not valid JSON (or not valid UTF-8).
    not_an_object,        ///< Header or claims are valid JSON but not an object.
    duplicate_member,     ///< A JSON object repeats a member name.
    too_large,            ///< Token or header over the configured size limit.
    too_deep,             ///< JSON nested deeper than the configured limit.
    bad_header,           ///< `alg` missing or not a string, `kid` not a string, `b64` not a boolean.
    // Header policy (attacks).
    alg_none,             ///< `alg` is "none" in some spelling: unsecured JWS are never accepted.
    alg_mismatch,         ///< `alg` differs from the algorithm the key is bound to.
    unknown_kid,          ///< No configured key has the token's `kid`.
    kid_required,         ///< Several keys are configured and the token names none.
    crit_unsupported,     ///< `crit` is present: no header extension is supported.
    b64_false,            ///< `b64: false` (RFC 7797 unencoded payload) is not supported.
    untrusted_key_header, ///< `jku`, `x5u`, `x5c` or `jwk` present: keys never come from tokens.
    nested_jwt,           ///< `cty: JWT` (a nested token) is not supported.
    bad_signature,        ///< The signature or MAC does not verify.
    // Claims.
    expired,              ///< `exp` is in the past (beyond the leeway).
    not_yet_valid,        ///< `nbf` is in the future (beyond the leeway).
    iat_in_future,        ///< `iat` is in the future (beyond the leeway).
    bad_audience,         ///< `aud` missing, malformed or not an accepted audience (or present when none is configured).
    bad_issuer,           ///< `iss` missing or not the configured issuer.
    missing_exp,          ///< No `exp` claim although one is required.
    missing_claim,        ///< A claim from the required-claims list is absent.
    bad_numeric_date,     ///< `exp`, `nbf` or `iat` is not a JSON number.
    // simplejwt token checks (see simplejwt.hpp).
    missing_jti,          ///< No `jti` claim ("Token has no id").
    missing_token_type,   ///< No `token_type` claim ("Token has no type").
    wrong_token_type,     ///< `token_type` is not the expected one ("Token has wrong type").
    missing_refresh_exp,  ///< Sliding token without its `refresh_exp` claim.
    refresh_expired,      ///< Sliding token whose `refresh_exp` has passed.
    missing_user_id,      ///< No user id claim ("Token contained no recognizable user identification").
    blacklisted,          ///< The token's `jti` is blacklisted ("Token is blacklisted").
    // Keys.
    bad_key,              ///< PEM/DER/JWK could not be parsed, or the key is invalid.
    encrypted_key,        ///< An encrypted private key was given (no passphrase support).
    unsupported_algorithm,///< An algorithm name that is not one of the supported JWS algorithms.
    key_type_mismatch,    ///< Key type unusable with the algorithm (e.g. an EC key for RS256, a PEM as HMAC secret).
    curve_mismatch,       ///< EC/OKP curve does not match the algorithm (ES256 needs P-256, ...).
    rsa_key_too_small,    ///< RSA modulus under 2048 bits.
    key_too_short,        ///< HMAC secret shorter than the hash output (RFC 7518 3.2).
    weak_key,             ///< A known-weak key: a published HMAC secret, or an RSA modulus with the ROCA flaw.
    jwk_alg_mismatch,     ///< The JWK's `alg` member differs from the algorithm asked for.
    jwk_alg_required,     ///< No algorithm given and the JWK has no `alg` member.
    key_use_mismatch,     ///< JWK `use`/`key_ops` forbid this operation (verify or sign).
    key_cannot_sign,      ///< Signing needs a private key (or HMAC secret).
    duplicate_kid,        ///< Two keys of a key set share a `kid`.
    mixed_key_set,        ///< A key set would mix HMAC secrets with public-key algorithms.
    missing_kid,          ///< A key set of several keys holds a key without `kid`.
    no_key,               ///< An empty key or key set was used.
    openssl_failure,      ///< OpenSSL reported an internal error.
};

/// The category of `warden::jwt::errc` ("warden.jwt").
inline const std::error_category& jwt_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.jwt"; }
        std::string message(int ev) const override {
            switch (static_cast<errc>(ev)) {
            case errc::bad_format: return "malformed token: expected three base64url parts separated by dots";
            case errc::bad_base64: return "malformed token: a part is not canonical unpadded base64url";
            case errc::bad_json: return "malformed token: header or payload is not valid JSON or UTF-8";
            case errc::not_an_object: return "malformed token: header or claims are not a JSON object";
            case errc::duplicate_member: return "malformed token: a JSON object has a duplicate member name";
            case errc::too_large: return "token too large";
            case errc::too_deep: return "token JSON nested too deeply";
            case errc::bad_header: return "malformed header: alg missing or a header member has the wrong type";
            case errc::alg_none: return "unsecured tokens (alg none) are not accepted";
            case errc::alg_mismatch: return "the token's alg is not the key's algorithm";
            case errc::unknown_kid: return "no key matches the token's kid";
            case errc::kid_required: return "the token has no kid and several keys are configured";
            case errc::crit_unsupported: return "the token requires unsupported header extensions (crit)";
            case errc::b64_false: return "unencoded payloads (b64 false) are not supported";
            case errc::untrusted_key_header: return "the token carries key references (jku, x5u, x5c or jwk), which are not accepted";
            case errc::nested_jwt: return "nested tokens (cty JWT) are not supported";
            case errc::bad_signature: return "signature verification failed";
            case errc::expired: return "the token has expired (exp)";
            case errc::not_yet_valid: return "the token is not valid yet (nbf)";
            case errc::iat_in_future: return "the token was issued in the future (iat)";
            case errc::bad_audience: return "the token's audience (aud) is missing or not accepted";
            case errc::bad_issuer: return "the token's issuer (iss) is missing or not accepted";
            case errc::missing_exp: return "the token has no expiry (exp) claim";
            case errc::missing_claim: return "a required claim is missing";
            case errc::bad_numeric_date: return "exp, nbf or iat is not a JSON number";
            case errc::missing_jti: return "the token has no id (jti) claim";
            case errc::missing_token_type: return "the token has no type claim";
            case errc::wrong_token_type: return "the token has the wrong type";
            case errc::missing_refresh_exp: return "the sliding token has no refresh expiry claim";
            case errc::refresh_expired: return "the sliding token's refresh period has expired";
            case errc::missing_user_id: return "the token has no user id claim";
            case errc::blacklisted: return "the token is blacklisted";
            case errc::bad_key: return "the key could not be parsed or is invalid";
            case errc::encrypted_key: return "encrypted private keys are not supported";
            case errc::unsupported_algorithm: return "unsupported algorithm";
            case errc::key_type_mismatch: return "the key type cannot be used with this algorithm";
            case errc::curve_mismatch: return "the key's curve does not match the algorithm";
            case errc::rsa_key_too_small: return "RSA keys must have a modulus of at least 2048 bits";
            case errc::key_too_short: return "the HMAC key is shorter than the hash output (allow short keys explicitly for interoperability)";
            case errc::weak_key: return "the key is known to be weak (a published secret, or an RSA modulus with the ROCA flaw)";
            case errc::jwk_alg_mismatch: return "the JWK's alg does not match the algorithm";
            case errc::jwk_alg_required: return "the JWK has no alg and no algorithm was given";
            case errc::key_use_mismatch: return "the key's use or key_ops do not allow this operation";
            case errc::key_cannot_sign: return "the key cannot sign (a private key or secret is needed)";
            case errc::duplicate_kid: return "two keys share the same kid";
            case errc::mixed_key_set: return "a key set cannot mix HMAC secrets with public-key algorithms";
            case errc::missing_kid: return "every key of a multi-key set needs a kid";
            case errc::no_key: return "no key configured";
            case errc::openssl_failure: return "an OpenSSL operation failed";
            }
            return "unknown jwt error";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), jwt_category()}; }

} // namespace warden::jwt

template <>
struct std::is_error_code_enum<warden::jwt::errc> : std::true_type {};

#endif
