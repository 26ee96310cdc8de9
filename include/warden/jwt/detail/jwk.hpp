// Keys from JWK members (RFC 7517/7518/8037): the RSA, EC and OKP key material a
// `jwt::key` is built from, strictly checked (canonical base64url, exact sizes, minimal
// integers, no multi-prime RSA, public and private halves that belong together). The
// decisions about a JWK's `alg`, `use` and `key_ops` are the key's (jwt/key.hpp).
// And the way back for publishing: the public members of a key, never a private one,
// and its RFC 7638 thumbprint.
#ifndef WARDEN_JWT_DETAIL_JWK_HPP
#define WARDEN_JWT_DETAIL_JWK_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/openssl.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/openssl.hpp>
#include <warden/jwt/detail/pkey.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/object.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt::detail {

// A base64url member: absent → nullopt; not a canonical base64url string → bad_key.
inline std::optional<std::string> jwk_bytes(const boost::json::object& jwk, std::string_view name,
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

inline crypto::detail::pkey_ptr fromdata(const char* type, OSSL_PARAM_BLD* bld, bool priv, bool pairwise,
                                         std::error_code& ec) {
    crypto::detail::params_ptr params(OSSL_PARAM_BLD_to_param(bld));
    crypto::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ec = fail(std::error_code(errc::bad_key));
        return {};
    }
    crypto::detail::pkey_ptr pkey(raw);
    if (pairwise) {
        // The public and private halves must belong together.
        crypto::detail::pkey_ctx_ptr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
        if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) {
            ec = fail(std::error_code(errc::bad_key));
            return {};
        }
    }
    return pkey;
}

// Signs a fixed message with the private exponent and checks it with (n, e).
inline bool rsa_pair_matches(EVP_PKEY* pkey) {
    static constexpr unsigned char msg[] = "warden rsa pairwise";
    crypto::detail::md_ctx_ptr s(EVP_MD_CTX_new()), v(EVP_MD_CTX_new());
    std::string sig(static_cast<std::size_t>(EVP_PKEY_get_size(pkey)), '\0');
    std::size_t len = sig.size();
    bool ok = s && v && EVP_DigestSignInit_ex(s.get(), nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
              EVP_DigestSign(s.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg, sizeof msg) == 1 &&
              EVP_DigestVerifyInit_ex(v.get(), nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
              EVP_DigestVerify(v.get(), reinterpret_cast<unsigned char*>(sig.data()), len, msg, sizeof msg) == 1;
    return ok || fail(false);
}

inline crypto::detail::pkey_ptr rsa_from_jwk(const boost::json::object& jwk, std::error_code& ec) {
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
    crypto::detail::bn_ptr bn_n(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
    crypto::detail::bn_ptr bn_e(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
    bn_secret_ptr bn_priv[6];
    bool ok = bld && bn_n && bn_e && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
              OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1;
    for (int i = 0; ok && i < 6; ++i) {
        if (!priv[i]) continue;
        bn_priv[i].reset(BN_bin2bn(bytes(*priv[i]), static_cast<int>(priv[i]->size()), nullptr));
        ok = bn_priv[i] && OSSL_PARAM_BLD_push_BN(bld.get(), param_names[i], bn_priv[i].get()) == 1;
    }
    if (!ok) {
        ec = fail(std::error_code(errc::openssl_failure));
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

inline crypto::detail::pkey_ptr ec_from_jwk(algorithm alg, const boost::json::object& jwk, std::error_code& ec) {
    auto crv = jwk.find("crv");
    if (crv == jwk.end() || !crv->value().is_string()) {
        ec = errc::bad_key;
        return {};
    }
    if (crv->value().get_string() != jwk_curve(alg)) {
        ec = errc::curve_mismatch;
        return {};
    }
    auto x = jwk_bytes(jwk, "x", ec);
    auto y = jwk_bytes(jwk, "y", ec);
    auto d = jwk_bytes(jwk, "d", ec);
    std::string dummy;
    wipe_on_exit wipe{d ? *d : dummy};
    const std::size_t size = ecdsa_part_size(alg);
    // RFC 7518 6.2.1.2/6.2.2.1: coordinates and d are exactly the field size.
    if (ec || !x || !y || x->size() != size || y->size() != size || (d && d->size() != size)) {
        ec = errc::bad_key;
        return {};
    }
    std::string point = "\x04" + *x + *y;
    crypto::detail::param_bld_ptr bld(OSSL_PARAM_BLD_new());
    bn_secret_ptr bn_d;
    bool ok = bld &&
              OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, ec_group_name(alg), 0) ==
                  1 &&
              OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
    if (ok && d) {
        bn_d.reset(BN_bin2bn(bytes(*d), static_cast<int>(d->size()), nullptr));
        ok = bn_d && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, bn_d.get()) == 1;
    }
    if (!ok) {
        ec = fail(std::error_code(errc::openssl_failure));
        return {};
    }
    return fromdata("EC", bld.get(), d.has_value(), d.has_value(), ec);
}

inline crypto::detail::pkey_ptr okp_from_jwk(const boost::json::object& jwk, std::error_code& ec) {
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
    wipe_on_exit wipe{d ? *d : dummy};
    if (ec || !x || x->size() != 32 || (d && d->size() != 32)) {
        ec = errc::bad_key;
        return {};
    }
    if (!d) {
        crypto::detail::pkey_ptr pkey(
            EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, bytes(*x), x->size()));
        if (!pkey) ec = fail(std::error_code(errc::bad_key));
        return pkey;
    }
    crypto::detail::pkey_ptr pkey(
        EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, bytes(*d), d->size()));
    unsigned char pub[32];
    std::size_t len = sizeof pub;
    if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), pub, &len) != 1 || len != 32 ||
        !crypto::constant_time_equal(std::string_view(reinterpret_cast<const char*>(pub), 32), *x)) {
        ec = fail(std::error_code(errc::bad_key));
        return {};
    }
    return pkey;
}

// A big number as the unsigned big-endian bytes JWK members hold, left-padded to
// `size` when given (EC coordinates are exactly the field size).
inline std::optional<std::string> bn_bytes(const BIGNUM* bn, std::size_t size = 0) {
    const auto n = static_cast<std::size_t>(BN_num_bytes(bn));
    if (size && n > size) return std::nullopt;
    std::string out(size ? size : n, '\0');
    auto* to = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(bn, to, static_cast<int>(out.size())) < 0) return std::nullopt;
    return out;
}

inline std::optional<std::string> bn_param(EVP_PKEY* pkey, const char* name, std::size_t size = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1 || !raw) return std::nullopt;
    crypto::detail::bn_ptr owner(raw);
    return bn_bytes(raw, size);
}

// The public members of `pkey` (a key for `alg`), as the thumbprint orders them
// (RFC 7638 section 3.2: lexicographic, required members only): RSA e, kty, n; EC crv,
// kty, x, y; OKP crv, kty, x. Values are base64url; no private member is ever read.
inline std::error_code public_jwk_members(EVP_PKEY* pkey, algorithm alg, boost::json::object& out) {
    out.clear();
    auto b64 = [](const std::string& bytes) { return crypto::base64url_encode(bytes); };
    switch (family(alg)) {
    case key_family::rsa:
    case key_family::rsa_pss: {
        auto n = bn_param(pkey, OSSL_PKEY_PARAM_RSA_N);
        auto e = bn_param(pkey, OSSL_PKEY_PARAM_RSA_E);
        if (!n || !e) return fail(std::error_code(errc::openssl_failure));
        out["e"] = b64(*e);
        out["kty"] = "RSA";
        out["n"] = b64(*n);
        return {};
    }
    case key_family::ecdsa: {
        const std::size_t size = ecdsa_part_size(alg);
        auto x = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size);
        auto y = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size);
        if (!x || !y) return fail(std::error_code(errc::openssl_failure));
        out["crv"] = jwk_curve(alg);
        out["kty"] = "EC";
        out["x"] = b64(*x);
        out["y"] = b64(*y);
        return {};
    }
    case key_family::eddsa: {
        std::string x(32, '\0');
        std::size_t len = x.size();
        if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(x.data()), &len) != 1 || len != 32)
            return fail(std::error_code(errc::openssl_failure));
        out["crv"] = "Ed25519";
        out["kty"] = "OKP";
        out["x"] = b64(x);
        return {};
    }
    case key_family::hmac: break;
    }
    return errc::key_type_mismatch;   // a shared secret is never published
}

} // namespace warden::jwt::detail

#endif
