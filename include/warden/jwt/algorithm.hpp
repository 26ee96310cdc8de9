/// @file
/// The JWS algorithms warden supports (RFC 7518 section 3, RFC 8037) and their parameters.
#ifndef WARDEN_JWT_ALGORITHM_HPP
#define WARDEN_JWT_ALGORITHM_HPP

#include <cstddef>
#include <optional>
#include <string_view>

namespace warden::jwt {

/// A JWS `alg`. `none` is deliberately absent: unsecured tokens are never accepted.
enum class algorithm { hs256, hs384, hs512, rs256, rs384, rs512, ps256, ps384, ps512, es256, es384, es512, eddsa };

/// The key family an algorithm needs.
enum class key_family { hmac, rsa, rsa_pss, ecdsa, eddsa };

/// The JOSE name of `alg` ("HS256", ..., "EdDSA").
constexpr std::string_view to_string(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::hs256: return "HS256";
    case algorithm::hs384: return "HS384";
    case algorithm::hs512: return "HS512";
    case algorithm::rs256: return "RS256";
    case algorithm::rs384: return "RS384";
    case algorithm::rs512: return "RS512";
    case algorithm::ps256: return "PS256";
    case algorithm::ps384: return "PS384";
    case algorithm::ps512: return "PS512";
    case algorithm::es256: return "ES256";
    case algorithm::es384: return "ES384";
    case algorithm::es512: return "ES512";
    case algorithm::eddsa: return "EdDSA";
    }
    return "";
}

/// Parses a JOSE algorithm name, exactly (names are case-sensitive, RFC 7515 4.1.1).
/// @return the algorithm, or nothing for unknown names and for "none".
/// @code
/// auto alg = warden::jwt::algorithm_from_string("RS256");   // algorithm::rs256
/// @endcode
constexpr std::optional<algorithm> algorithm_from_string(std::string_view name) noexcept {
    for (int i = 0; i <= static_cast<int>(algorithm::eddsa); ++i)
        if (to_string(static_cast<algorithm>(i)) == name) return static_cast<algorithm>(i);
    return std::nullopt;
}

/// The key family `alg` needs.
constexpr key_family family(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::hs256:
    case algorithm::hs384:
    case algorithm::hs512: return key_family::hmac;
    case algorithm::rs256:
    case algorithm::rs384:
    case algorithm::rs512: return key_family::rsa;
    case algorithm::ps256:
    case algorithm::ps384:
    case algorithm::ps512: return key_family::rsa_pss;
    case algorithm::es256:
    case algorithm::es384:
    case algorithm::es512: return key_family::ecdsa;
    case algorithm::eddsa: return key_family::eddsa;
    }
    return key_family::hmac;
}

/// Output size of the algorithm's hash in bytes (32, 48, 64); 0 for EdDSA (no prehash).
constexpr std::size_t hash_size(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::hs256:
    case algorithm::rs256:
    case algorithm::ps256:
    case algorithm::es256: return 32;
    case algorithm::hs384:
    case algorithm::rs384:
    case algorithm::ps384:
    case algorithm::es384: return 48;
    case algorithm::hs512:
    case algorithm::rs512:
    case algorithm::ps512:
    case algorithm::es512: return 64;
    case algorithm::eddsa: return 0;
    }
    return 0;
}

namespace detail {

// OpenSSL digest name of the algorithm's hash (nullptr for EdDSA).
constexpr const char* digest_name(algorithm alg) noexcept {
    switch (hash_size(alg)) {
    case 32: return "SHA256";
    case 48: return "SHA384";
    case 64: return "SHA512";
    }
    return nullptr;
}

// Size of r and of s in a JWS ECDSA signature (RFC 7518 3.4): 32, 48, 66.
constexpr std::size_t ecdsa_part_size(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::es256: return 32;
    case algorithm::es384: return 48;
    case algorithm::es512: return 66;
    default: return 0;
    }
}

// OpenSSL group name and JWK "crv" of the curve an ECDSA algorithm needs.
constexpr const char* ec_group_name(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::es256: return "prime256v1";
    case algorithm::es384: return "secp384r1";
    case algorithm::es512: return "secp521r1";
    default: return nullptr;
    }
}

constexpr std::string_view jwk_curve(algorithm alg) noexcept {
    switch (alg) {
    case algorithm::es256: return "P-256";
    case algorithm::es384: return "P-384";
    case algorithm::es512: return "P-521";
    case algorithm::eddsa: return "Ed25519";
    default: return "";
    }
}

} // namespace detail

} // namespace warden::jwt

#endif
