// RAII owners for OpenSSL objects. Internal: public headers expose their own types.
#ifndef WARDEN_CRYPTO_DETAIL_OPENSSL_HPP
#define WARDEN_CRYPTO_DETAIL_OPENSSL_HPP

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace warden::crypto::detail {

template <auto Free>
struct openssl_deleter {
    template <class T>
    void operator()(T* p) const noexcept { Free(p); }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<&EVP_PKEY_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<&EVP_PKEY_CTX_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<&EVP_MD_CTX_free>>;
using md_ptr = std::unique_ptr<EVP_MD, openssl_deleter<&EVP_MD_free>>;
using mac_ptr = std::unique_ptr<EVP_MAC, openssl_deleter<&EVP_MAC_free>>;
using mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, openssl_deleter<&EVP_MAC_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<&BIO_free_all>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<&BN_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, openssl_deleter<&OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, openssl_deleter<&OSSL_PARAM_free>>;

} // namespace warden::crypto::detail

#endif
