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

#include <warden/core/detail/ascii.hpp>
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

/// Verifies a compact JWS with `k` and returns its payload as raw bytes (which need
/// not be JSON): the entry point of `warden jws verify`.
/// @param payload receives the decoded payload on success (unspecified on failure).
/// @return empty on success, else the `errc` reason.
/// @code
/// std::string payload;
/// if (auto ec = warden::jwt::verify_jws(token, key, payload)) fail(ec.message());
/// @endcode
inline std::error_code verify_jws(std::string_view token, const key& k, std::string& payload,
                                  const verify_options& opt = {});

/// Verifies a compact JWS with the key its `kid` selects from `keys`.
inline std::error_code verify_jws(std::string_view token, const key_set& keys, std::string& payload,
                                  const verify_options& opt = {});

/// Signs `payload` (any bytes) with `k` into a compact JWS.
/// @return `errc::key_cannot_sign` for a public key, `errc::no_key` for an empty one,
///         `errc::bad_json` when the key's `kid` or `opt.typ` is not valid UTF-8.
inline std::error_code sign_jws(const key& k, std::string_view payload, std::string& token,
                                const sign_options& opt = {});

/// Throwing form of `sign_jws()`.
inline std::string sign_jws(const key& k, std::string_view payload, const sign_options& opt = {});

} // namespace warden::jwt

#include <warden/jwt/impl/jws.hpp>

#endif
