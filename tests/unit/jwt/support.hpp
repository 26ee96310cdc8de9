// Helpers shared by the jwt unit tests: frozen clocks and PEM text of OpenSSL keys. The
// shared vector files and hex come from support/shared_data.hpp.
#ifndef WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP

#include <support/shared_data.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace jwt_test {

inline std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}};
}

// The PEM text of `pkey`: its private key (PKCS #8) or its public key (SPKI).
inline std::string pem_of(EVP_PKEY* pkey, bool priv) {
    BIO* b = BIO_new(BIO_s_mem());
    if (priv) PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    else PEM_write_bio_PUBKEY(b, pkey);
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
}

} // namespace jwt_test

#endif
