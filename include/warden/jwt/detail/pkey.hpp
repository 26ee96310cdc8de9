// Asymmetric keys for the JWT layer: decoding PEM, DER and certificates into an
// EVP_PKEY (never prompting for a passphrase), and the checks a key must pass before it
// is bound to an algorithm: its type and curve, RSA size, OpenSSL's public-key
// validation and the ROCA fingerprint, and whether it holds a private half.
#ifndef WARDEN_JWT_DETAIL_PKEY_HPP
#define WARDEN_JWT_DETAIL_PKEY_HPP

#include <warden/crypto/detail/openssl.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/openssl.hpp>
#include <warden/jwt/error.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <string_view>
#include <system_error>

namespace warden::jwt::detail {

inline const unsigned char* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// PyJWT refuses these as HMAC secrets for the same reason: a verifier that takes "the
// key" as text would otherwise accept HS256 tokens MACed with a published public key.
inline bool looks_like_asymmetric_key(std::string_view s) noexcept {
    if (s.find("-----BEGIN ") != std::string_view::npos) return true;
    for (std::string_view prefix : {"ssh-rsa ", "ssh-dss ", "ssh-ed25519 ", "ssh-ed448 ", "ecdsa-sha2-", "sk-ssh-",
                                    "sk-ecdsa-"})
        if (s.substr(0, prefix.size()) == prefix) return true;
    return false;
}

inline bool has_private_part(EVP_PKEY* pkey) noexcept {
    if (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448")) {
        std::size_t len = 0;
        bool ok = EVP_PKEY_get_raw_private_key(pkey, nullptr, &len) == 1 && len > 0;
        return ok || fail(false);
    }
    BIGNUM* bn = nullptr;
    const char* name = EVP_PKEY_is_a(pkey, "EC") ? OSSL_PKEY_PARAM_PRIV_KEY : OSSL_PKEY_PARAM_RSA_D;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1 || bn == nullptr) return fail(false);
    BN_clear_free(bn);
    return true;
}

// The ROCA fingerprint (CVE-2017-15361, Nemec et al.): moduli from the flawed Infineon
// generator are, modulo each small prime r, a power of 65537. A random modulus passes
// this test for all these primes with negligible probability.
inline bool rsa_has_roca_fingerprint(const BIGNUM* n) noexcept {
    static constexpr unsigned primes[] = {3,  5,  7,  11, 13, 17, 19, 23, 29, 31,  37,  41,  43,  47,  53,  59,  61,  67,  71,
                                          73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167};
    for (unsigned r : primes) {
        BN_ULONG residue = BN_mod_word(n, r);
        unsigned g = 65537 % r, x = 1;
        bool in_subgroup = false;
        for (unsigned k = 0; k < r && !in_subgroup; ++k, x = x * g % r) in_subgroup = x == residue;
        if (!in_subgroup) return false;
    }
    return true;
}

// RSA public half: OpenSSL's public-key validation (odd modulus, odd exponent above 1),
// then the ROCA fingerprint.
inline std::error_code check_rsa_public(EVP_PKEY* pkey) {
    crypto::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) return fail(std::error_code(errc::bad_key));
    BIGNUM* n = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 || n == nullptr)
        return fail(std::error_code(errc::bad_key));
    crypto::detail::bn_ptr owner(n);
    return rsa_has_roca_fingerprint(n) ? std::error_code(errc::weak_key) : std::error_code{};
}

// Checks that `pkey` suits `alg`: type, curve, RSA size and soundness, EC point validity.
inline std::error_code check_key_for(algorithm alg, EVP_PKEY* pkey) {
    switch (family(alg)) {
    case key_family::hmac: return errc::key_type_mismatch;
    case key_family::rsa:
    case key_family::rsa_pss: {
        bool ok = EVP_PKEY_is_a(pkey, "RSA") || (family(alg) == key_family::rsa_pss && EVP_PKEY_is_a(pkey, "RSA-PSS"));
        if (!ok) return errc::key_type_mismatch;
        if (EVP_PKEY_get_bits(pkey) < 2048) return errc::rsa_key_too_small;
        return check_rsa_public(pkey);
    }
    case key_family::ecdsa: {
        if (!EVP_PKEY_is_a(pkey, "EC")) return errc::key_type_mismatch;
        char group[64] = {};
        std::size_t len = 0;
        // Explicit-parameter keys have no group name: refused like a wrong curve.
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
            return fail(std::error_code(errc::curve_mismatch));
        if (std::string_view(group, len) != ec_group_name(alg)) return errc::curve_mismatch;
        crypto::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) return fail(std::error_code(errc::bad_key));
        return {};
    }
    case key_family::eddsa:
        if (EVP_PKEY_is_a(pkey, "ED25519")) return {};
        if (EVP_PKEY_is_a(pkey, "ED448")) return errc::curve_mismatch;
        return errc::key_type_mismatch;
    }
    return errc::key_type_mismatch;
}

inline crypto::detail::pkey_ptr decode_pkey(std::string_view data, const char* input_type) {
    EVP_PKEY* raw = nullptr;
    decoder_ctx_ptr dctx(
        OSSL_DECODER_CTX_new_for_pkey(&raw, input_type, nullptr, nullptr, 0, nullptr, nullptr));
    if (!dctx) return fail(crypto::detail::pkey_ptr{});
    // Never prompt on a terminal for the passphrase of an encrypted key.
    OSSL_DECODER_CTX_set_passphrase_cb(
        dctx.get(), [](char*, std::size_t, std::size_t*, const OSSL_PARAM*, void*) { return 0; }, nullptr);
    const unsigned char* p = bytes(data);
    std::size_t len = data.size();
    if (OSSL_DECODER_from_data(dctx.get(), &p, &len) != 1 || raw == nullptr) {
        if (raw) EVP_PKEY_free(raw);
        return fail(crypto::detail::pkey_ptr{});
    }
    return crypto::detail::pkey_ptr(raw);
}

inline crypto::detail::pkey_ptr pkey_from_certificate(std::string_view pem) {
    crypto::detail::bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(crypto::detail::pkey_ptr{});
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
    if (!cert) return fail(crypto::detail::pkey_ptr{});
    return crypto::detail::pkey_ptr(X509_get_pubkey(cert.get()));
}

} // namespace warden::jwt::detail

#endif
