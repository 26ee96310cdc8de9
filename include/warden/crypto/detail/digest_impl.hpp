// Internals of warden/crypto/digest.hpp: the two hashing paths (see that file).
#ifndef WARDEN_CRYPTO_DETAIL_DIGEST_IMPL_HPP
#define WARDEN_CRYPTO_DETAIL_DIGEST_IMPL_HPP

#include <warden/crypto/detail/openssl.hpp>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include <string_view>

#if !defined(WARDEN_DIGEST_USE_EVP) && !defined(OPENSSL_NO_DEPRECATED_3_0) && OPENSSL_VERSION_MAJOR < 4
#define WARDEN_DETAIL_DIGEST_LOW_LEVEL 1
#else
#define WARDEN_DETAIL_DIGEST_LOW_LEVEL 0
#endif

namespace warden::crypto::detail {

inline constexpr char hex_digits[] = "0123456789abcdef";

enum class digest_kind { sha256, sha512 };

inline constexpr bool digest_uses_evp = WARDEN_DETAIL_DIGEST_LOW_LEVEL == 0;

#if WARDEN_DETAIL_DIGEST_LOW_LEVEL

// The deprecation is known and deliberate: these are the only allocation-free SHA-2
// entry points OpenSSL 3.0 offers.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

inline bool digest_into(digest_kind kind, std::string_view data, unsigned char* out) noexcept {
    if (kind == digest_kind::sha256) {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, data.data(), data.size());
        SHA256_Final(out, &c);   // cleanses the block buffer, the only part that held input bytes
    } else {
        SHA512_CTX c;
        SHA512_Init(&c);
        SHA512_Update(&c, data.data(), data.size());
        SHA512_Final(out, &c);   // as above: what remains is the digest itself
    }
    return true;
}

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#else

// Fetched once per process: EVP_MD objects are immutable and thread-safe to share,
// and an implicit fetch by name on every init costs a lock and a lookup.
inline const EVP_MD* fetched_md(digest_kind kind) noexcept {
    static const md_ptr sha256{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    static const md_ptr sha512{EVP_MD_fetch(nullptr, "SHA512", nullptr)};
    return kind == digest_kind::sha256 ? sha256.get() : sha512.get();
}

inline bool digest_into(digest_kind kind, std::string_view data, unsigned char* out) noexcept {
    // One context per thread, reused: EVP_MD_CTX_new on every call would add an
    // allocation to the provider's own.
    thread_local const md_ctx_ptr ctx{EVP_MD_CTX_new()};
    const EVP_MD* md = fetched_md(kind);
    if (!ctx || !md) return false;
    unsigned int len = 0;
    return EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 &&
           EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), out, &len) == 1;
}

#endif

} // namespace warden::crypto::detail

#endif
