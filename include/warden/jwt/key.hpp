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
#include <warden/crypto/digest.hpp>
#include <warden/crypto/hmac.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/asym.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/detail/jwk.hpp>
#include <warden/jwt/detail/openssl.hpp>
#include <warden/jwt/detail/pkey.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>

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

constexpr crypto::hmac_hash hmac_hash_of(algorithm alg) noexcept {
    switch (hash_size(alg)) {
    case 48: return crypto::hmac_hash::sha384;
    case 64: return crypto::hmac_hash::sha512;
    default: return crypto::hmac_hash::sha256;
    }
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

    /// The public half of this key as the members of a JWK, in RFC 7638's order:
    /// `e`, `kty`, `n` (RSA); `crv`, `kty`, `x`, `y` (EC); `crv`, `kty`, `x` (OKP). A
    /// private member is never read, so a private key gives its public JWK.
    /// @return `errc::key_type_mismatch` for an HMAC key (a shared secret is never
    ///         published), `errc::no_key` for an empty key.
    std::error_code public_jwk(boost::json::object& out) const {
        if (!impl_) return errc::no_key;
        if (impl_->mac || !impl_->pkey) return errc::key_type_mismatch;
        return detail::public_jwk_members(impl_->pkey.get(), impl_->alg, out);
    }

    /// The key's RFC 7638 JWK thumbprint: base64url of the SHA-256 of its public JWK's
    /// required members (`public_jwk`) as compact JSON. A stable `kid` for the key.
    /// @return as `public_jwk`.
    std::error_code thumbprint(std::string& out) const {
        boost::json::object members;
        if (auto ec = public_jwk(members)) return ec;
        crypto::sha256_digest d;
        if (crypto::sha256(boost::json::serialize(members), d)) return errc::openssl_failure;
        out = crypto::base64url_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
        return {};
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

    // A JWK's `use`, `key_ops` and `alg` decide what the key may do; detail/jwk.hpp
    // builds the key material.
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
            auto secret = detail::jwk_bytes(jwk, "k", ec);
            if (ec) return {};
            if (!secret) return fail_with(ec, errc::bad_key);
            detail::wipe_on_exit wipe{*secret};
            k = make_hmac(*alg, *secret, ec, opt, ops_sign, ops_verify);
            if (ec) return {};
        } else {
            crypto::detail::pkey_ptr pkey;
            if (*kty == "RSA") pkey = detail::rsa_from_jwk(jwk, ec);
            else if (*kty == "EC") pkey = detail::ec_from_jwk(*alg, jwk, ec);
            else pkey = detail::okp_from_jwk(jwk, ec);
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

    std::shared_ptr<const detail::key_impl> impl_;
    std::string kid_;
};

/// The algorithm a public-key's type implies, for configuration that names a key file
/// and no algorithm: RS256 for RSA, ES256, ES384 or ES512 for an EC key on P-256,
/// P-384 or P-521, EdDSA for Ed25519. `text` is PEM (a key or a certificate) or DER.
/// The key is then built with that algorithm (`key::load`), which checks it fully.
/// @return the algorithm, or empty with `ec` set: `errc::bad_key` when the text is no
///         key, `errc::encrypted_key`, `errc::unsupported_algorithm` for other types
///         (DSA, Ed448, other curves).
/// @code
/// std::error_code ec;
/// auto alg = warden::jwt::implied_algorithm(pem, ec);
/// if (alg) signing = warden::jwt::key::from_pem(*alg, pem);
/// @endcode
inline std::optional<algorithm> implied_algorithm(std::string_view text, std::error_code& ec) {
    ec = {};
    if (text.find("-----BEGIN ENCRYPTED") != std::string_view::npos ||
        text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
        ec = errc::encrypted_key;
        return std::nullopt;
    }
    const bool pem = text.find("-----BEGIN ") != std::string_view::npos;
    crypto::detail::pkey_ptr pkey = text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos
                                        ? detail::pkey_from_certificate(text)
                                        : detail::decode_pkey(text, pem ? "PEM" : "DER");
    if (!pkey) {
        ec = errc::bad_key;
        return std::nullopt;
    }
    if (EVP_PKEY_is_a(pkey.get(), "RSA")) return algorithm::rs256;
    if (EVP_PKEY_is_a(pkey.get(), "ED25519")) return algorithm::eddsa;
    if (EVP_PKEY_is_a(pkey.get(), "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1) {
            for (algorithm a : {algorithm::es256, algorithm::es384, algorithm::es512})
                if (std::string_view(group, len) == detail::ec_group_name(a)) return a;
        }
    }
    ec = errc::unsupported_algorithm;
    return std::nullopt;
}

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
