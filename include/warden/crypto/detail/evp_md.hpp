// The OpenSSL digest of a warden::crypto::hash_algorithm, for PBKDF2 and Django's
// salted_hmac.
#ifndef WARDEN_CRYPTO_DETAIL_EVP_MD_HPP
#define WARDEN_CRYPTO_DETAIL_EVP_MD_HPP

#include <warden/crypto/digest.hpp>

#include <openssl/evp.h>

namespace warden::crypto::detail {

// Null for a value outside the enumeration, which callers report as invalid_argument.
inline const EVP_MD* evp_md(hash_algorithm algorithm) noexcept {
    switch (algorithm) {
    case hash_algorithm::sha1: return EVP_sha1();
    case hash_algorithm::sha256: return EVP_sha256();
    case hash_algorithm::sha512: return EVP_sha512();
    }
    return nullptr;
}

} // namespace warden::crypto::detail

#endif
