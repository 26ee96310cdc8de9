/// @file
/// JWS keys, each bound to exactly one algorithm: HMAC secrets, and RSA, EC and Ed25519
/// keys from PEM, DER or JWK (RFC 7517, 7518 section 6, RFC 8037).
///
/// A key is parsed and checked once, at construction; signing and verifying never parse
/// or build keys (the `EVP_PKEY`, the digest and per-thread verification contexts are
/// cached in the key). The algorithm is chosen by whoever configures the key, never by a
/// token: a token whose `alg` differs from its key's is rejected (jws.hpp).
///
/// Checks made at construction:
/// - the key type suits the algorithm (`oct` for HS*, RSA for RS*/PS*, EC on the right
///   curve for ES*, Ed25519 for EdDSA); RSA moduli have at least 2048 bits, pass
///   OpenSSL's public-key validation (odd modulus, odd exponent above 1) and do not
///   carry the ROCA fingerprint (`errc::weak_key`);
/// - HMAC secrets are at least as long as the hash output (RFC 7518 3.2) unless
///   `key_options::min_hmac_key_length` is turned off, and never look like a PEM or SSH
///   public key (the classic "HS256 keyed with the RSA public key" confusion);
/// - a JWK's `alg`, `use` and `key_ops` allow what the key will be used for; EC points
///   lie on their curve; a private JWK's public half matches its private half.
///
/// Copies are cheap and share the parsed key (immutable, safe to use from any thread).
#ifndef WARDEN_JWT_KEY_HPP
#define WARDEN_JWT_KEY_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/openssl.hpp>
#include <warden/crypto/hmac.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/detail/openssl.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden::jwt {

/// Policies applied when a key is built.
struct key_options {
    /// Refuse HMAC secrets shorter than the hash output (32 bytes for HS256). On by
    /// default. Turn it off only to interoperate with a peer whose secret you cannot
    /// change (for example a Django project whose SIGNING_KEY is a short SECRET_KEY).
    bool min_hmac_key_length = true;
};

namespace detail {

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

constexpr crypto::hmac_hash hmac_hash_of(algorithm alg) noexcept {
    switch (hash_size(alg)) {
    case 48: return crypto::hmac_hash::sha384;
    case 64: return crypto::hmac_hash::sha512;
    default: return crypto::hmac_hash::sha256;
    }
}

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

} // namespace detail

/// A signing and/or verification key bound to one JWS algorithm.
///
/// Build keys with the static factories. Each comes in two forms: with a
/// `std::error_code&` (returns an empty key and sets the code on failure) and throwing
/// `std::system_error` (for configuration code that should stop at startup).
///
/// @code
/// using namespace warden::jwt;
/// key hs = key::hmac(algorithm::hs256, secret_bytes);               // >= 32 bytes
/// key rs = key::from_pem(algorithm::rs256, public_key_pem);         // verify only
/// std::error_code ec;
/// key ed = key::from_jwk(std::nullopt, R"({"kty":"OKP","alg":"EdDSA","crv":"Ed25519","x":"11qY..."})", ec);
/// key es = key::from_jwk(algorithm::es256, jwk_text, ec);   // the JWK's alg, if any, must agree
/// @endcode
class key {
public:
    /// An empty key: `valid()` is false and every operation fails with `errc::no_key`.
    key() = default;

    /// An HMAC key (HS256/384/512) from raw secret bytes.
    /// @param alg     an HS* algorithm, else `errc::key_type_mismatch`.
    /// @param secret  the secret bytes; refused with `errc::key_too_short` when shorter
    ///                than the hash output and `opt.min_hmac_key_length` is on, and with
    ///                `errc::key_type_mismatch` when it is a PEM or SSH public key.
    static key hmac(algorithm alg, std::string_view secret, std::error_code& ec, const key_options& opt = {}) {
        return make_hmac(alg, secret, ec, opt, true, true);
    }

    /// Throwing form of `hmac()`.
    static key hmac(algorithm alg, std::string_view secret, const key_options& opt = {}) {
        return or_throw([&](std::error_code& ec) { return hmac(alg, secret, ec, opt); });
    }

    /// An RSA, EC or Ed25519 key from PEM: "PUBLIC KEY" (SPKI), "PRIVATE KEY" (PKCS#8),
    /// the traditional "RSA/EC PRIVATE KEY" and "RSA PUBLIC KEY", or a "CERTIFICATE"
    /// (its public key). A private key can sign and verify; a public key only verifies.
    /// Encrypted keys are refused (`errc::encrypted_key`).
    static key from_pem(algorithm alg, std::string_view pem, std::error_code& ec) {
        ec = {};
        if (pem.find("-----BEGIN ENCRYPTED") != std::string_view::npos ||
            pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
            ec = errc::encrypted_key;
            return {};
        }
        crypto::detail::pkey_ptr pkey = pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos
                                            ? detail::pkey_from_certificate(pem)
                                            : detail::decode_pkey(pem, "PEM");
        return from_pkey(alg, std::move(pkey), ec);
    }

    /// Throwing form of `from_pem()`.
    static key from_pem(algorithm alg, std::string_view pem) {
        return or_throw([&](std::error_code& ec) { return from_pem(alg, pem, ec); });
    }

    /// An RSA, EC or Ed25519 key from DER (SubjectPublicKeyInfo, PKCS#8 or traditional).
    static key from_der(algorithm alg, std::string_view der, std::error_code& ec) {
        ec = {};
        return from_pkey(alg, detail::decode_pkey(der, "DER"), ec);
    }

    /// Throwing form of `from_der()`.
    static key from_der(algorithm alg, std::string_view der) {
        return or_throw([&](std::error_code& ec) { return from_der(alg, der, ec); });
    }

    /// A key from a JWK object (RFC 7517/7518/8037): `kty` "oct", "RSA", "EC" or "OKP".
    ///
    /// `alg` binds the key; a JWK `alg` member must then name the same algorithm
    /// (`errc::jwk_alg_mismatch`). Without `alg` the JWK's own `alg` member is used
    /// (`errc::jwk_alg_required` when absent). A `use` other than "sig" is refused; with
    /// `key_ops`, verification needs "verify" and signing "sign". `kid` becomes the
    /// key's id. Members are strictly checked: exact EC coordinate sizes, minimal RSA
    /// integers, no multi-prime RSA (`oth`), matching public and private halves.
    static key from_jwk(std::optional<algorithm> alg, const boost::json::object& jwk, std::error_code& ec,
                        const key_options& opt = {}) {
        ec = {};
        key k = parse_jwk(alg, jwk, ec, opt);
        if (ec) return {};
        return k;
    }

    /// A key from the JSON text of a JWK (strictly parsed: duplicate members refused).
    static key from_jwk(std::optional<algorithm> alg, std::string_view jwk_json, std::error_code& ec,
                        const key_options& opt = {}) {
        unsigned char buf[4096];
        boost::json::monotonic_resource mr(buf, sizeof buf);
        boost::json::value v = detail::parse_strict(jwk_json, &mr, 8, ec);
        if (ec) {
            if (ec != errc::duplicate_member) ec = errc::bad_key;
            return {};
        }
        if (!v.is_object()) {
            ec = errc::bad_key;
            return {};
        }
        return from_jwk(alg, v.get_object(), ec, opt);
    }

    /// Throwing form of `from_jwk()`.
    static key from_jwk(std::optional<algorithm> alg, std::string_view jwk_json, const key_options& opt = {}) {
        return or_throw([&](std::error_code& ec) { return from_jwk(alg, jwk_json, ec, opt); });
    }

    /// A key from text holding a PEM, a JWK (text starting with `{`) or DER. This is what
    /// `--key FILE` options and settings read; raw HMAC secrets go through `hmac()`.
    static key load(algorithm alg, std::string_view text, std::error_code& ec, const key_options& opt = {}) {
        auto first = text.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && text[first] == '{') return from_jwk(alg, text, ec, opt);
        if (text.find("-----BEGIN ") != std::string_view::npos) return from_pem(alg, text, ec);
        return from_der(alg, text, ec);
    }

    /// True unless default-constructed or moved from.
    bool valid() const noexcept { return impl_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }

    /// The one algorithm this key signs and verifies with.
    algorithm alg() const noexcept { return impl_ ? impl_->alg : algorithm::hs256; }

    /// The key id (`kid`), empty when none.
    std::string_view kid() const noexcept { return kid_; }

    /// A copy of this key (sharing the parsed key) with another `kid`.
    key with_kid(std::string kid) const {
        key k = *this;
        k.kid_ = std::move(kid);
        return k;
    }

    /// True when the key holds private material (or an HMAC secret) and may sign.
    bool can_sign() const noexcept { return impl_ && impl_->can_sign; }

    /// True when the key may verify (false for a JWK whose `key_ops` lack "verify").
    bool can_verify() const noexcept { return impl_ && impl_->can_verify; }

    /// The JWS signature of `data` in JWS form (raw r||s for ECDSA).
    /// @return `errc::key_cannot_sign` without private material or permission.
    std::error_code sign(std::string_view data, std::string& signature) const {
        if (!impl_) return errc::no_key;
        if (!impl_->can_sign) return errc::key_cannot_sign;
        if (impl_->mac) {
            unsigned char buf[crypto::hmac::max_size];
            if (impl_->mac->compute(data, buf)) return errc::openssl_failure;
            signature.assign(reinterpret_cast<const char*>(buf), impl_->sig_size);
            return {};
        }
        return detail::asym_sign(*impl_, data, signature);
    }

    /// Checks a JWS signature (raw r||s for ECDSA, exact length required) over `data`.
    /// MACs are compared in constant time. Never allocates for HMAC keys.
    /// @return empty on success, `errc::bad_signature`, or `errc::key_use_mismatch`
    ///         when the key may not verify.
    std::error_code verify(std::string_view data, std::string_view signature) const noexcept {
        if (!impl_) return errc::no_key;
        if (!impl_->can_verify) return errc::key_use_mismatch;
        if (impl_->mac) return impl_->mac->verify(data, signature) ? std::error_code{} : errc::bad_signature;
        return detail::asym_verify(*impl_, data, signature);
    }

private:
    explicit key(std::shared_ptr<detail::key_impl> impl, std::string kid = {})
        : impl_(std::move(impl)), kid_(std::move(kid)) {}

    static key make_hmac(algorithm alg, std::string_view secret, std::error_code& ec, const key_options& opt,
                         bool allow_sign, bool allow_verify) {
        ec = {};
        if (family(alg) != key_family::hmac || detail::looks_like_asymmetric_key(secret)) {
            ec = errc::key_type_mismatch;
            return {};
        }
        if (opt.min_hmac_key_length && secret.size() < hash_size(alg)) {
            ec = errc::key_too_short;
            return {};
        }
        auto impl = std::make_shared<detail::key_impl>();
        impl->alg = alg;
        std::error_code mac_ec;
        impl->mac.emplace(detail::hmac_hash_of(alg), secret, mac_ec);
        if (mac_ec) {
            ec = errc::openssl_failure;
            return {};
        }
        impl->sig_size = hash_size(alg);
        impl->can_sign = allow_sign;
        impl->can_verify = allow_verify;
        return key(std::move(impl));
    }

    template <class F>
    static key or_throw(F&& f) {
        std::error_code ec;
        key k = f(ec);
        if (ec) throw std::system_error(ec, "warden::jwt::key");
        return k;
    }

    static key from_pkey(algorithm alg, crypto::detail::pkey_ptr pkey, std::error_code& ec,
                         bool allow_sign = true, bool allow_verify = true) {
        if (!pkey) {
            ec = errc::bad_key;
            return {};
        }
        if ((ec = detail::check_key_for(alg, pkey.get()))) return {};
        auto impl = std::make_shared<detail::key_impl>();
        impl->alg = alg;
        impl->can_sign = allow_sign && detail::has_private_part(pkey.get());
        impl->can_verify = allow_verify;
        if (const char* md = detail::digest_name(alg)) {
            impl->md.reset(EVP_MD_fetch(nullptr, md, nullptr));
            if (!impl->md) {
                ec = detail::fail(std::error_code(errc::openssl_failure));
                return {};
            }
        }
        switch (family(alg)) {
        case key_family::ecdsa: impl->sig_size = 2 * detail::ecdsa_part_size(alg); break;
        case key_family::eddsa: impl->sig_size = 64; break;
        default: impl->sig_size = static_cast<std::size_t>(EVP_PKEY_get_size(pkey.get())); break;
        }
        impl->pkey = std::move(pkey);
        return key(std::move(impl));
    }

    // --- JWK -------------------------------------------------------------------------

    // A base64url member: absent → nullopt; not a canonical base64url string → bad_key.
    static std::optional<std::string> jwk_bytes(const boost::json::object& jwk, std::string_view name,
                                                std::error_code& ec) {
        auto it = jwk.find(name);
        if (it == jwk.end()) return std::nullopt;
        std::string out;
        if (!it->value().is_string() || crypto::base64url_decode(it->value().get_string(), out)) {
            ec = errc::bad_key;
            return std::nullopt;
        }
        return out;
    }

    static key parse_jwk(std::optional<algorithm> alg, const boost::json::object& jwk, std::error_code& ec,
                         const key_options& opt) {
        auto str = [&](std::string_view name) -> std::optional<std::string_view> {
            auto it = jwk.find(name);
            if (it == jwk.end()) return std::nullopt;
            if (!it->value().is_string()) {
                ec = errc::bad_key;
                return std::nullopt;
            }
            return std::string_view(it->value().get_string());
        };
        auto kty = str("kty");
        auto use = str("use");
        auto jwk_alg = str("alg");
        auto kid = str("kid");
        if (ec) return {};
        if (!kty) return fail_with(ec, errc::bad_key);

        // use / key_ops: what the holder of this JWK allowed it to do.
        if (use && *use != "sig") return fail_with(ec, errc::key_use_mismatch);
        bool ops_sign = true, ops_verify = true;
        if (auto it = jwk.find("key_ops"); it != jwk.end()) {
            if (!it->value().is_array()) return fail_with(ec, errc::bad_key);
            ops_sign = ops_verify = false;
            for (const auto& op : it->value().get_array()) {
                if (!op.is_string()) return fail_with(ec, errc::bad_key);
                if (op.get_string() == "sign") ops_sign = true;
                if (op.get_string() == "verify") ops_verify = true;
            }
        }

        // The algorithm: the caller's, which the JWK's alg must agree with, or the JWK's.
        if (jwk_alg) {
            auto named = algorithm_from_string(*jwk_alg);
            if (alg && (!named || *named != *alg)) return fail_with(ec, errc::jwk_alg_mismatch);
            if (!named) return fail_with(ec, errc::unsupported_algorithm);
            alg = named;
        }
        if (!alg) return fail_with(ec, errc::jwk_alg_required);

        std::string_view expected_kty;
        switch (family(*alg)) {
        case key_family::hmac: expected_kty = "oct"; break;
        case key_family::rsa:
        case key_family::rsa_pss: expected_kty = "RSA"; break;
        case key_family::ecdsa: expected_kty = "EC"; break;
        case key_family::eddsa: expected_kty = "OKP"; break;
        }
        if (*kty != expected_kty) return fail_with(ec, errc::key_type_mismatch);

        key k;
        if (*kty == "oct") {
            auto secret = jwk_bytes(jwk, "k", ec);
            if (ec) return {};
            if (!secret) return fail_with(ec, errc::bad_key);
            detail::wipe_on_exit wipe{*secret};
            k = make_hmac(*alg, *secret, ec, opt, ops_sign, ops_verify);
            if (ec) return {};
        } else {
            crypto::detail::pkey_ptr pkey;
            if (*kty == "RSA") pkey = rsa_from_jwk(jwk, ec);
            else if (*kty == "EC") pkey = ec_from_jwk(*alg, jwk, ec);
            else pkey = okp_from_jwk(jwk, ec);
            if (ec) return {};
            k = from_pkey(*alg, std::move(pkey), ec, ops_sign, ops_verify);
            if (ec) return {};
        }
        if (!k.can_sign() && !k.can_verify()) return fail_with(ec, errc::key_use_mismatch);
        if (kid) k.kid_ = std::string(*kid);
        return k;
    }

    static key fail_with(std::error_code& ec, errc e) {
        ec = e;
        return {};
    }

    static crypto::detail::pkey_ptr fromdata(const char* type, OSSL_PARAM_BLD* bld, bool priv, bool pairwise,
                                             std::error_code& ec) {
        crypto::detail::params_ptr params(OSSL_PARAM_BLD_to_param(bld));
        crypto::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
        EVP_PKEY* raw = nullptr;
        if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
            EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
            ec = detail::fail(std::error_code(errc::bad_key));
            return {};
        }
        crypto::detail::pkey_ptr pkey(raw);
        if (pairwise) {
            // The public and private halves must belong together.
            crypto::detail::pkey_ctx_ptr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
            if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) {
                ec = detail::fail(std::error_code(errc::bad_key));
                return {};
            }
        }
        return pkey;
    }

    static crypto::detail::pkey_ptr rsa_from_jwk(const boost::json::object& jwk, std::error_code& ec) {
        if (jwk.contains("oth")) { // multi-prime keys: not supported
            ec = errc::bad_key;
            return {};
        }
        auto n = jwk_bytes(jwk, "n", ec);
        auto e = jwk_bytes(jwk, "e", ec);
        if (ec) return {};
        // RFC 7518 6.3.1: present, and in the minimum number of octets.
        if (!n || !e || n->empty() || e->empty() || (*n)[0] == 0 || (*e)[0] == 0) {
            ec = errc::bad_key;
            return {};
        }
        static constexpr const char* private_names[] = {"d", "p", "q", "dp", "dq", "qi"};
        static constexpr const char* param_names[] = {OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
                                                      OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
                                                      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
        std::optional<std::string> priv[6];
        int present = 0;
        for (int i = 0; i < 6; ++i) {
            priv[i] = jwk_bytes(jwk, private_names[i], ec);
            if (priv[i]) ++present;
        }
        struct wipe_all {
            std::optional<std::string>* p;
            ~wipe_all() {
                for (int i = 0; i < 6; ++i)
                    if (p[i] && !p[i]->empty()) OPENSSL_cleanse(p[i]->data(), p[i]->size());
            }
        } wipe{priv};
        if (ec) return {};
        // d alone, or d with every CRT member; CRT members without d make no key.
        if (present > 0 && !priv[0]) {
            ec = errc::bad_key;
            return {};
        }
        if (present > 1 && present != 6) {
            ec = errc::bad_key;
            return {};
        }
        crypto::detail::param_bld_ptr bld(OSSL_PARAM_BLD_new());
        crypto::detail::bn_ptr bn_n(BN_bin2bn(detail::bytes(*n), static_cast<int>(n->size()), nullptr));
        crypto::detail::bn_ptr bn_e(BN_bin2bn(detail::bytes(*e), static_cast<int>(e->size()), nullptr));
        detail::bn_secret_ptr bn_priv[6];
        bool ok = bld && bn_n && bn_e && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
                  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1;
        for (int i = 0; ok && i < 6; ++i) {
            if (!priv[i]) continue;
            bn_priv[i].reset(BN_bin2bn(detail::bytes(*priv[i]), static_cast<int>(priv[i]->size()), nullptr));
            ok = bn_priv[i] && OSSL_PARAM_BLD_push_BN(bld.get(), param_names[i], bn_priv[i].get()) == 1;
        }
        if (!ok) {
            ec = detail::fail(std::error_code(errc::openssl_failure));
            return {};
        }
        // With the factors OpenSSL checks the pair itself; with d alone it cannot, so
        // the pair is tested by signing and verifying once.
        auto pkey = fromdata("RSA", bld.get(), present > 0, present == 6, ec);
        if (!ec && present == 1 && !rsa_pair_matches(pkey.get())) {
            ec = errc::bad_key;
            return {};
        }
        return pkey;
    }

    // Signs a fixed message with the private exponent and checks it with (n, e).
    static bool rsa_pair_matches(EVP_PKEY* pkey) {
        static constexpr unsigned char msg[] = "warden rsa pairwise";
        crypto::detail::md_ctx_ptr s(EVP_MD_CTX_new()), v(EVP_MD_CTX_new());
        std::string sig(static_cast<std::size_t>(EVP_PKEY_get_size(pkey)), '\0');
        std::size_t len = sig.size();
        bool ok = s && v && EVP_DigestSignInit_ex(s.get(), nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
                  EVP_DigestSign(s.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg, sizeof msg) == 1 &&
                  EVP_DigestVerifyInit_ex(v.get(), nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
                  EVP_DigestVerify(v.get(), reinterpret_cast<unsigned char*>(sig.data()), len, msg, sizeof msg) == 1;
        return ok || detail::fail(false);
    }

    static crypto::detail::pkey_ptr ec_from_jwk(algorithm alg, const boost::json::object& jwk, std::error_code& ec) {
        auto crv = jwk.find("crv");
        if (crv == jwk.end() || !crv->value().is_string()) {
            ec = errc::bad_key;
            return {};
        }
        if (crv->value().get_string() != detail::jwk_curve(alg)) {
            ec = errc::curve_mismatch;
            return {};
        }
        auto x = jwk_bytes(jwk, "x", ec);
        auto y = jwk_bytes(jwk, "y", ec);
        auto d = jwk_bytes(jwk, "d", ec);
        std::string dummy;
        detail::wipe_on_exit wipe{d ? *d : dummy};
        const std::size_t size = detail::ecdsa_part_size(alg);
        // RFC 7518 6.2.1.2/6.2.2.1: coordinates and d are exactly the field size.
        if (ec || !x || !y || x->size() != size || y->size() != size || (d && d->size() != size)) {
            ec = errc::bad_key;
            return {};
        }
        std::string point = "\x04" + *x + *y;
        crypto::detail::param_bld_ptr bld(OSSL_PARAM_BLD_new());
        detail::bn_secret_ptr bn_d;
        bool ok = bld &&
                  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, detail::ec_group_name(alg), 0) ==
                      1 &&
                  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
        if (ok && d) {
            bn_d.reset(BN_bin2bn(detail::bytes(*d), static_cast<int>(d->size()), nullptr));
            ok = bn_d && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, bn_d.get()) == 1;
        }
        if (!ok) {
            ec = detail::fail(std::error_code(errc::openssl_failure));
            return {};
        }
        return fromdata("EC", bld.get(), d.has_value(), d.has_value(), ec);
    }

    static crypto::detail::pkey_ptr okp_from_jwk(const boost::json::object& jwk, std::error_code& ec) {
        auto crv = jwk.find("crv");
        if (crv == jwk.end() || !crv->value().is_string()) {
            ec = errc::bad_key;
            return {};
        }
        if (crv->value().get_string() != "Ed25519") {
            ec = errc::curve_mismatch;
            return {};
        }
        auto x = jwk_bytes(jwk, "x", ec);
        auto d = jwk_bytes(jwk, "d", ec);
        std::string dummy;
        detail::wipe_on_exit wipe{d ? *d : dummy};
        if (ec || !x || x->size() != 32 || (d && d->size() != 32)) {
            ec = errc::bad_key;
            return {};
        }
        if (!d) {
            crypto::detail::pkey_ptr pkey(
                EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, detail::bytes(*x), x->size()));
            if (!pkey) ec = detail::fail(std::error_code(errc::bad_key));
            return pkey;
        }
        crypto::detail::pkey_ptr pkey(
            EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, detail::bytes(*d), d->size()));
        unsigned char pub[32];
        std::size_t len = sizeof pub;
        if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), pub, &len) != 1 || len != 32 ||
            !crypto::constant_time_equal(std::string_view(reinterpret_cast<const char*>(pub), 32), *x)) {
            ec = detail::fail(std::error_code(errc::bad_key));
            return {};
        }
        return pkey;
    }

    std::shared_ptr<const detail::key_impl> impl_;
    std::string kid_;
};

/// True when `secret` is one of the lines of `list` (for example the contents of a
/// weak-secrets file such as vectors/weak_hmac_secrets.txt): a secret that has been
/// published is a configuration error. Lines are compared exactly; a trailing `\r` and
/// empty lines are ignored. warden ships no list: pass one from your deployment.
/// @code
/// if (warden::jwt::is_listed_secret(secret, read_file("weak_secrets.txt"))) refuse();
/// @endcode
inline bool is_listed_secret(std::string_view secret, std::string_view list) noexcept {
    bool found = false;
    while (!list.empty()) {
        auto nl = list.find('\n');
        std::string_view line = list.substr(0, nl);
        list = nl == std::string_view::npos ? std::string_view{} : list.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        found |= crypto::constant_time_equal(line, secret);
    }
    return found;
}

/// `errc::weak_key` when `secret` is listed in `list` (see `is_listed_secret`), else empty.
inline std::error_code check_secret_not_listed(std::string_view secret, std::string_view list) noexcept {
    return is_listed_secret(secret, list) ? std::error_code(errc::weak_key) : std::error_code{};
}

} // namespace warden::jwt

#endif
