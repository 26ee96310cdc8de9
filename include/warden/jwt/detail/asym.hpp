// Signing and verifying with an asymmetric key (RSA PKCS#1 v1.5 and PSS, ECDSA,
// Ed25519), and the parsed state a `jwt::key` shares between its copies. Verification
// reuses per-thread OpenSSL contexts from the key's pool; ECDSA signatures are converted
// between JWS's raw r||s and the DER OpenSSL speaks.
#ifndef WARDEN_JWT_DETAIL_ASYM_HPP
#define WARDEN_JWT_DETAIL_ASYM_HPP

#include <warden/crypto/detail/openssl.hpp>
#include <warden/crypto/hmac.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/openssl.hpp>
#include <warden/jwt/detail/pkey.hpp>
#include <warden/jwt/error.hpp>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden::jwt::detail {

struct asym_context {
    crypto::detail::pkey_ctx_ptr pctx;
    crypto::detail::md_ctx_ptr mctx;
};

struct key_impl {
    algorithm alg{};
    bool can_sign = false;
    bool can_verify = false;
    std::optional<crypto::hmac> mac;
    crypto::detail::pkey_ptr pkey;
    crypto::detail::md_ptr md;
    std::size_t sig_size = 0;
    crypto::detail::context_pool<asym_context> pool;
};

// Minimal DER INTEGER of an unsigned big-endian number; returns bytes written.
inline std::size_t der_integer(const unsigned char* p, std::size_t n, unsigned char* out) noexcept {
    while (n > 1 && *p == 0) {
        ++p;
        --n;
    }
    bool pad = (*p & 0x80) != 0;
    std::size_t len = n + (pad ? 1 : 0);
    out[0] = 0x02;
    out[1] = static_cast<unsigned char>(len);
    std::size_t at = 2;
    if (pad) out[at++] = 0;
    std::memcpy(out + at, p, n);
    return at + n;
}

// JWS ECDSA signature (r||s, each `part` bytes) to the DER OpenSSL verifies.
inline std::size_t ecdsa_raw_to_der(std::string_view raw, std::size_t part, unsigned char* out) noexcept {
    unsigned char body[2 * (3 + 66)];
    std::size_t len = der_integer(bytes(raw), part, body);
    len += der_integer(bytes(raw) + part, part, body + len);
    std::size_t at = 0;
    out[at++] = 0x30;
    if (len >= 0x80) out[at++] = 0x81;
    out[at++] = static_cast<unsigned char>(len);
    std::memcpy(out + at, body, len);
    return at + len;
}

inline std::error_code ecdsa_der_to_raw(const unsigned char* der, std::size_t len, std::size_t part,
                                        std::string& out) {
    const unsigned char* p = der;
    ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) return fail(std::error_code(errc::openssl_failure));
    out.assign(2 * part, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), o, static_cast<int>(part)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), o + part, static_cast<int>(part)) < 0)
        return fail(std::error_code(errc::openssl_failure));
    return {};
}

inline bool set_rsa_padding(EVP_PKEY_CTX* ctx, algorithm alg, const EVP_MD* md) noexcept {
    if (family(alg) == key_family::rsa) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    if (family(alg) == key_family::rsa_pss)
        // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash (checked exactly).
        return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
               EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
               EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
    return true;
}

inline std::error_code asym_verify(const key_impl& k, std::string_view data, std::string_view sig) noexcept {
    if (sig.size() != k.sig_size) return errc::bad_signature;
    if (k.alg == algorithm::eddsa) {
        return k.pool.with(
            [](asym_context& c) {
                c.mctx.reset(EVP_MD_CTX_new());
                return c.mctx != nullptr;
            },
            [&](asym_context& c) -> std::error_code {
                // Ed25519 has no prehash and DigestVerify is one-shot: re-initialise each time.
                EVP_MD_CTX_reset(c.mctx.get());
                if (EVP_DigestVerifyInit_ex(c.mctx.get(), nullptr, nullptr, nullptr, nullptr, k.pkey.get(),
                                            nullptr) != 1)
                    return fail(std::error_code(errc::openssl_failure));
                if (EVP_DigestVerify(c.mctx.get(), bytes(sig), sig.size(), bytes(data), data.size()) != 1)
                    return fail(std::error_code(errc::bad_signature));
                return {};
            });
    }
    return k.pool.with(
        [&k](asym_context& c) {
            c.mctx.reset(EVP_MD_CTX_new());
            c.pctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, k.pkey.get(), nullptr));
            bool ok = c.mctx && c.pctx && EVP_PKEY_verify_init(c.pctx.get()) == 1 &&
                      EVP_PKEY_CTX_set_signature_md(c.pctx.get(), k.md.get()) == 1 &&
                      set_rsa_padding(c.pctx.get(), k.alg, k.md.get());
            return ok || fail(false);
        },
        [&](asym_context& c) -> std::error_code {
            unsigned char digest[EVP_MAX_MD_SIZE];
            unsigned int dlen = 0;
            if (EVP_DigestInit_ex2(c.mctx.get(), k.md.get(), nullptr) != 1 ||
                EVP_DigestUpdate(c.mctx.get(), data.data(), data.size()) != 1 ||
                EVP_DigestFinal_ex(c.mctx.get(), digest, &dlen) != 1)
                return fail(std::error_code(errc::openssl_failure));
            const unsigned char* s = bytes(sig);
            std::size_t slen = sig.size();
            unsigned char der[160];
            if (family(k.alg) == key_family::ecdsa) {
                slen = ecdsa_raw_to_der(sig, ecdsa_part_size(k.alg), der);
                s = der;
            }
            if (EVP_PKEY_verify(c.pctx.get(), s, slen, digest, dlen) != 1)
                return fail(std::error_code(errc::bad_signature));
            return {};
        });
}

inline std::error_code asym_sign(const key_impl& k, std::string_view data, std::string& out) {
    crypto::detail::md_ctx_ptr mctx(EVP_MD_CTX_new());
    if (!mctx) return fail(std::error_code(errc::openssl_failure));
    EVP_PKEY_CTX* pctx = nullptr; // owned by mctx
    if (EVP_DigestSignInit_ex(mctx.get(), &pctx, digest_name(k.alg), nullptr, nullptr, k.pkey.get(), nullptr) != 1 ||
        !set_rsa_padding(pctx, k.alg, k.md.get()))
        return fail(std::error_code(errc::openssl_failure));
    std::string sig(static_cast<std::size_t>(EVP_PKEY_get_size(k.pkey.get())), '\0');
    std::size_t len = sig.size();
    if (EVP_DigestSign(mctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(data), data.size()) != 1)
        return fail(std::error_code(errc::openssl_failure));
    if (family(k.alg) == key_family::ecdsa)
        return ecdsa_der_to_raw(reinterpret_cast<const unsigned char*>(sig.data()), len, ecdsa_part_size(k.alg), out);
    sig.resize(len);
    out = std::move(sig);
    return {};
}

} // namespace warden::jwt::detail

#endif
