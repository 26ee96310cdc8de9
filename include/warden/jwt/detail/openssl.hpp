// OpenSSL owners the JWT layer needs beyond warden/crypto/detail/openssl.hpp.
#ifndef WARDEN_JWT_DETAIL_OPENSSL_HPP
#define WARDEN_JWT_DETAIL_OPENSSL_HPP

#include <warden/crypto/detail/openssl.hpp>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace warden::jwt::detail {

using crypto::detail::openssl_deleter;
using decoder_ctx_ptr = std::unique_ptr<OSSL_DECODER_CTX, openssl_deleter<&OSSL_DECODER_CTX_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, openssl_deleter<&ECDSA_SIG_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<&X509_free>>;
// For private key components: wiped before they are freed.
using bn_secret_ptr = std::unique_ptr<BIGNUM, openssl_deleter<&BN_clear_free>>;

// Wipes a string that held secret bytes (decoded JWK members, DER of private keys).
struct wipe_on_exit {
    std::string& s;
    ~wipe_on_exit() {
        if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
        s.clear();
    }
};

// OpenSSL keeps failure reasons in a per-thread queue; a stale entry can be misread by
// a later, unrelated TLS call on the same thread, so every failure path clears it.
template <class T>
T fail(T value) noexcept {
    ERR_clear_error();
    return value;
}

} // namespace warden::jwt::detail

#endif
