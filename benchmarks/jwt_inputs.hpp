// The tokens and keys every bench_jwt case works on, as plain strings so that the peer
// libraries' translation units need no warden header (libjwt's C `struct jwt` and
// cpp-jwt's `namespace jwt` cannot share one translation unit either).
#ifndef WARDEN_BENCHMARKS_JWT_INPUTS_HPP
#define WARDEN_BENCHMARKS_JWT_INPUTS_HPP

#include <cstddef>
#include <cstdint>
#include <string>

namespace bench {

struct jwt_inputs {
    /// The claims of the simplejwt access token (signed in this member order).
    std::int64_t exp = 0, iat = 0, user_id = 42;
    std::string jti;

    struct alg_inputs {
        std::string name;          // "HS256", "RS256", "ES256", "EdDSA"
        std::string secret;        // HS256: the shared key
        std::string private_pem;   // asymmetric: PKCS#8 private key
        std::string public_pem;    // asymmetric: SubjectPublicKeyInfo
        std::string token;         // the access token, signed by warden
    };
    alg_inputs hs256, rs256, es256, eddsa;
};

/// Built on first use (keys generated with OpenSSL, tokens signed by warden).
const jwt_inputs& inputs();

/// Seconds since the epoch now.
std::int64_t unix_now();

} // namespace bench

#endif
