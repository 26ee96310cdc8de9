// The PEM text of an OpenSSL key, for tests and fuzz harnesses that make keys at run time
// (no Catch here: the fuzz harnesses include it too).
#ifndef WARDEN_TESTS_SUPPORT_PEM_HPP
#define WARDEN_TESTS_SUPPORT_PEM_HPP

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <string>

namespace warden_test {

// `pkey`'s private key (PKCS #8) or its public key (SPKI).
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

} // namespace warden_test

#endif
