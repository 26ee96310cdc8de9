// Key construction: PEM/DER/JWK parsing, type/curve/size checks, JWK use/key_ops/alg
// rules, HMAC key policies, key sets.
#include "support.hpp"

#include <warden/crypto/base64.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace warden::jwt;
using warden::crypto::base64url_encode;

namespace {

struct pems {
    std::string private_pkcs8, private_traditional, public_spki, public_der, private_der;
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
}

pems export_key(EVP_PKEY* pkey) {
    pems p;
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    p.private_pkcs8 = bio_text(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(b, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    p.private_traditional = bio_text(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, pkey);
    p.public_spki = bio_text(b);
    b = BIO_new(BIO_s_mem());
    i2d_PUBKEY_bio(b, pkey);
    p.public_der = bio_text(b);
    b = BIO_new(BIO_s_mem());
    i2d_PrivateKey_bio(b, pkey);
    p.private_der = bio_text(b);
    EVP_PKEY_free(pkey);
    return p;
}

const pems& rsa2048() {
    static const pems p = export_key(EVP_RSA_gen(2048));
    return p;
}
const pems& rsa1024() {
    static const pems p = export_key(EVP_RSA_gen(1024));
    return p;
}
const pems& ec(const char* curve) {
    static std::map<std::string, pems> cache;
    auto it = cache.find(curve);
    if (it == cache.end()) it = cache.emplace(curve, export_key(EVP_EC_gen(curve))).first;
    return it->second;
}
const pems& ed25519() {
    static const pems p = export_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    return p;
}
const pems& ed448() {
    static const pems p = export_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
    return p;
}

errc pem_error(algorithm alg, const std::string& pem) {
    std::error_code ec;
    key::from_pem(alg, pem, ec);
    return ec ? static_cast<errc>(ec.value()) : errc{};
}

errc jwk_error(std::optional<algorithm> alg, const std::string& jwk) {
    std::error_code ec;
    key::from_jwk(alg, jwk, ec);
    return ec ? static_cast<errc>(ec.value()) : errc{};
}

void check_round_trip(const key& signer, const key& verifier) {
    std::string sig;
    REQUIRE_FALSE(signer.sign("message", sig));
    CHECK_FALSE(verifier.verify("message", sig));
    CHECK(verifier.verify("messagf", sig) == errc::bad_signature);
}

// RFC 7520 3.4 RSA key and RFC 7515 A.3 EC key (public parts).
const std::string rsa_n =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-"
    "pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg6"
    "65xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const std::string ec_x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const std::string ec_y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const std::string ec_d = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
const std::string rsa_jwk = R"({"kty":"RSA","n":")" + rsa_n + R"(","e":"AQAB"})";
const std::string ec_jwk = R"({"kty":"EC","crv":"P-256","x":")" + ec_x + R"(","y":")" + ec_y + "\"}";

std::string with(const std::string& jwk, const std::string& members) {
    return jwk.substr(0, jwk.size() - 1) + "," + members + "}";
}

} // namespace

TEST_CASE("PEM keys load in SPKI, PKCS#8 and traditional forms; private keys sign", "[jwt][key][pem]") {
    struct row {
        algorithm alg;
        const pems* p;
    };
    for (auto [alg, p] : {row{algorithm::rs256, &rsa2048()}, row{algorithm::ps512, &rsa2048()},
                          row{algorithm::es256, &ec("P-256")}, row{algorithm::es384, &ec("P-384")},
                          row{algorithm::es512, &ec("P-521")}, row{algorithm::eddsa, &ed25519()}}) {
        INFO(to_string(alg));
        key pub = key::from_pem(alg, p->public_spki);
        CHECK(pub.can_verify());
        CHECK_FALSE(pub.can_sign());
        std::string sig;
        CHECK(pub.sign("x", sig) == errc::key_cannot_sign);
        key priv = key::from_pem(alg, p->private_pkcs8);
        CHECK(priv.can_sign());
        check_round_trip(priv, pub);
        if (alg != algorithm::eddsa) check_round_trip(key::from_pem(alg, p->private_traditional), pub);
        check_round_trip(key::from_der(alg, p->private_der), key::from_der(alg, p->public_der));
    }
}

TEST_CASE("a certificate PEM yields its public key", "[jwt][key][pem]") {
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, pkey);
    X509_sign(cert, pkey, EVP_sha256());
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, cert);
    std::string cert_pem = bio_text(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::string key_pem = bio_text(b);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    key from_cert = key::from_pem(algorithm::es256, cert_pem);
    CHECK_FALSE(from_cert.can_sign());
    check_round_trip(key::from_pem(algorithm::es256, key_pem), from_cert);
}

TEST_CASE("key type and algorithm must agree", "[jwt][key]") {
    CHECK(pem_error(algorithm::rs256, ec("P-256").public_spki) == errc::key_type_mismatch);
    CHECK(pem_error(algorithm::es256, rsa2048().public_spki) == errc::key_type_mismatch);
    CHECK(pem_error(algorithm::eddsa, ec("P-256").public_spki) == errc::key_type_mismatch);
    CHECK(pem_error(algorithm::hs256, rsa2048().public_spki) == errc::key_type_mismatch);
    CHECK(pem_error(algorithm::es256, ed25519().public_spki) == errc::key_type_mismatch);
}

TEST_CASE("the EC curve must be the algorithm's; Ed448 is not EdDSA here", "[jwt][key]") {
    CHECK(pem_error(algorithm::es256, ec("P-384").public_spki) == errc::curve_mismatch);
    CHECK(pem_error(algorithm::es384, ec("P-256").public_spki) == errc::curve_mismatch);
    CHECK(pem_error(algorithm::es512, ec("P-384").public_spki) == errc::curve_mismatch);
    CHECK(pem_error(algorithm::es256, ec("secp256k1").public_spki) == errc::curve_mismatch);
    CHECK(pem_error(algorithm::eddsa, ed448().public_spki) == errc::curve_mismatch);
}

TEST_CASE("RSA keys under 2048 bits are refused", "[jwt][key]") {
    CHECK(pem_error(algorithm::rs256, rsa1024().public_spki) == errc::rsa_key_too_small);
    CHECK(pem_error(algorithm::ps256, rsa1024().private_pkcs8) == errc::rsa_key_too_small);
}

TEST_CASE("garbage, truncated and encrypted PEM is refused with a reason", "[jwt][key][pem]") {
    CHECK(pem_error(algorithm::rs256, "") == errc::bad_key);
    CHECK(pem_error(algorithm::rs256, "not a key") == errc::bad_key);
    const auto& pub = rsa2048().public_spki;
    CHECK(pem_error(algorithm::rs256, pub.substr(0, pub.size() / 2)) == errc::bad_key);
    CHECK(pem_error(algorithm::rs256, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n") ==
          errc::encrypted_key);
    std::error_code ec;
    key::from_der(algorithm::rs256, "\x30\x03\x02\x01\x01", ec);
    CHECK(ec == errc::bad_key);
    // The reason never carries key material.
    CHECK(std::error_code(errc::bad_key).message().find("BEGIN") == std::string::npos);
}

TEST_CASE("HMAC keys shorter than the hash output are refused unless allowed", "[jwt][key][hmac]") {
    std::error_code ec;
    key::hmac(algorithm::hs256, std::string(31, 'k'), ec);
    CHECK(ec == errc::key_too_short);
    key::hmac(algorithm::hs384, std::string(47, 'k'), ec);
    CHECK(ec == errc::key_too_short);
    key::hmac(algorithm::hs512, std::string(63, 'k'), ec);
    CHECK(ec == errc::key_too_short);
    CHECK(key::hmac(algorithm::hs512, std::string(64, 'k'), ec));
    CHECK_FALSE(ec);
    // Interoperability with a deployment whose secret cannot change.
    key short_key = key::hmac(algorithm::hs256, "secret", ec, key_options{.min_hmac_key_length = false});
    CHECK_FALSE(ec);
    check_round_trip(short_key, short_key);
    CHECK(std::error_code(errc::key_too_short).message().find("short") != std::string::npos);
    CHECK_THROWS_AS(key::hmac(algorithm::hs256, "short"), std::system_error);
}

TEST_CASE("an HMAC secret that is a PEM or SSH key is refused", "[jwt][key][hmac]") {
    std::error_code ec;
    key::hmac(algorithm::hs256, rsa2048().public_spki, ec);
    CHECK(ec == errc::key_type_mismatch);
    key::hmac(algorithm::hs256, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host", ec);
    CHECK(ec == errc::key_type_mismatch);
    key::hmac(algorithm::rs256, std::string(64, 'k'), ec);
    CHECK(ec == errc::key_type_mismatch);
}

TEST_CASE("a secret from a published weak-secret list is detected", "[jwt][key][hmac]") {
    std::string list = "secret\r\n\nyour-256-bit-secret\nMy super secret key!\n";
    CHECK(is_listed_secret("your-256-bit-secret", list));
    CHECK(is_listed_secret("My super secret key!", list));
    CHECK(is_listed_secret("secret", list));
    CHECK_FALSE(is_listed_secret("secret2", list));
    CHECK_FALSE(is_listed_secret("", list));
    CHECK(check_secret_not_listed("secret", list) == errc::weak_key);
    CHECK_FALSE(check_secret_not_listed("a long random secret", list));
    if (auto text = warden_test::read_shared("vectors/weak_hmac_secrets.txt")) {
        CHECK(is_listed_secret("12345678901234567890123456789012", *text));
        CHECK_FALSE(is_listed_secret("a secret nobody has published yet 0x5f3759df", *text));
    } else {
        WARN("skipped the shared weak_hmac_secrets.txt part: not found under " << WARDEN_SHARED_DIR);
    }
}

TEST_CASE("JWK keys of every type load and verify what their private halves sign", "[jwt][key][jwk]") {
    // RFC 8037 A.1 Ed25519 private key.
    std::string ed_priv = R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
    key ed = key::from_jwk(algorithm::eddsa, ed_priv);
    CHECK(ed.can_sign());
    check_round_trip(ed, key::from_jwk(algorithm::eddsa, R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
    key es = key::from_jwk(algorithm::es256, with(ec_jwk, R"("d":")" + ec_d + "\""));
    check_round_trip(es, key::from_jwk(algorithm::es256, ec_jwk));
    key hs = key::from_jwk(algorithm::hs256, R"({"kty":"oct","k":")" + base64url_encode(std::string(32, 'k')) + "\"}");
    check_round_trip(hs, key::hmac(algorithm::hs256, std::string(32, 'k')));
    CHECK(key::from_jwk(algorithm::rs256, rsa_jwk).can_verify());
}

TEST_CASE("a JWK's alg must name the bound algorithm, or supplies it", "[jwt][key][jwk]") {
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("alg":"RS256")")) == errc{});
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("alg":"PS256")")) == errc::jwk_alg_mismatch);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("alg":"none")")) == errc::jwk_alg_mismatch);
    CHECK(jwk_error(std::nullopt, with(rsa_jwk, R"("alg":"RS384")")) == errc{});
    CHECK(key::from_jwk(std::nullopt, with(rsa_jwk, R"("alg":"RS384")")).alg() == algorithm::rs384);
    CHECK(jwk_error(std::nullopt, rsa_jwk) == errc::jwk_alg_required);
    CHECK(jwk_error(std::nullopt, with(rsa_jwk, R"("alg":"RSA-OAEP")")) == errc::unsupported_algorithm);
    CHECK(jwk_error(std::nullopt, with(rsa_jwk, R"("alg":5)")) == errc::bad_key);
}

TEST_CASE("a JWK whose use or key_ops forbid verification cannot verify", "[jwt][key][jwk]") {
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("use":"sig")")) == errc{});
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("use":"enc")")) == errc::key_use_mismatch);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("key_ops":["encrypt"])")) == errc::key_use_mismatch);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("key_ops":["verify"])")) == errc{});
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("key_ops":"verify")")) == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("key_ops":[1])")) == errc::bad_key);
    // A private EC JWK allowed only to sign can sign but not verify.
    key sign_only = key::from_jwk(algorithm::es256, with(ec_jwk, R"("d":")" + ec_d + R"(","key_ops":["sign"])"));
    CHECK(sign_only.can_sign());
    CHECK_FALSE(sign_only.can_verify());
    std::string sig;
    REQUIRE_FALSE(sign_only.sign("m", sig));
    CHECK(sign_only.verify("m", sig) == errc::key_use_mismatch);
    // A public key allowed only to sign is useless: refused.
    CHECK(jwk_error(algorithm::es256, with(ec_jwk, R"("key_ops":["sign"])")) == errc::key_use_mismatch);
}

TEST_CASE("JWK key type and curve are validated against the algorithm", "[jwt][key][jwk]") {
    CHECK(jwk_error(algorithm::es256, rsa_jwk) == errc::key_type_mismatch);
    CHECK(jwk_error(algorithm::hs256, rsa_jwk) == errc::key_type_mismatch);
    CHECK(jwk_error(algorithm::rs256, ec_jwk) == errc::key_type_mismatch);
    CHECK(jwk_error(algorithm::es384, ec_jwk) == errc::curve_mismatch);
    CHECK(jwk_error(algorithm::eddsa, R"({"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})") ==
          errc::curve_mismatch);
    CHECK(jwk_error(algorithm::eddsa, R"({"kty":"OKP","crv":"Ed448","x":"AAAA"})") == errc::curve_mismatch);
    CHECK(jwk_error(algorithm::rs256, R"({"n":"AQAB","e":"AQAB"})") == errc::bad_key); // no kty
}

TEST_CASE("malformed JWK members are refused", "[jwt][key][jwk]") {
    // EC coordinates of the wrong size, off the curve, or not canonical base64url.
    CHECK(jwk_error(algorithm::es256, R"({"kty":"EC","crv":"P-256","x":")" + ec_x.substr(0, 42) + R"(","y":")" + ec_y + "\"}") ==
          errc::bad_key);
    std::string off_curve_y = ec_y;
    off_curve_y[10] = off_curve_y[10] == 'A' ? 'B' : 'A';
    CHECK(jwk_error(algorithm::es256, R"({"kty":"EC","crv":"P-256","x":")" + ec_x + R"(","y":")" + off_curve_y + "\"}") ==
          errc::bad_key);
    CHECK(jwk_error(algorithm::es256, R"({"kty":"EC","crv":"P-256","x":")" + ec_x + "=\",\"y\":\"" + ec_y + "\"}") ==
          errc::bad_key);
    CHECK(jwk_error(algorithm::es256, R"({"kty":"EC","crv":"P-256","x":")" + ec_x + "\"}") == errc::bad_key);
    // A private half that does not match the public half.
    std::string wrong_d = ec_d;
    wrong_d[5] = wrong_d[5] == 'A' ? 'B' : 'A';
    CHECK(jwk_error(algorithm::es256, with(ec_jwk, R"("d":")" + wrong_d + "\"")) == errc::bad_key);
    CHECK(jwk_error(algorithm::eddsa, R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURA"})") ==
          errc::bad_key);
    // RSA: a leading zero octet, a missing exponent, multi-prime, partial CRT members.
    std::string zero_n;
    REQUIRE_FALSE(warden::crypto::base64url_decode(rsa_n, zero_n));
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + base64url_encode('\0' + zero_n) + R"(","e":"AQAB"})") ==
          errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + rsa_n + "\"}") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("oth":[])")) == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("p":"AQAB")")) == errc::bad_key);
    // Small RSA modulus, empty/short oct keys, member types, JSON errors.
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + base64url_encode(std::string(128, '\xc1')) + R"(","e":"AQAB"})") ==
          errc::rsa_key_too_small);
    CHECK(jwk_error(algorithm::hs256, R"({"kty":"oct","k":""})") == errc::key_too_short);
    CHECK(jwk_error(algorithm::hs256, R"({"kty":"oct"})") == errc::bad_key);
    CHECK(jwk_error(algorithm::hs256, R"({"kty":"oct","k":5})") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("kid":5)")) == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, "[1]") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, "{") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, with(rsa_jwk, R"("e":"AQAB")")) == errc::duplicate_member);
}

TEST_CASE("an RSA JWK with private members signs; a mismatched private exponent is refused", "[jwt][key][jwk]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    auto full = doc->at("rfc7515_appendixA").at("A.2_RS256").at("jwk").as_object();
    key priv = key::from_jwk(algorithm::rs256, boost::json::serialize(full));
    CHECK(priv.can_sign());
    check_round_trip(priv, key::from_jwk(algorithm::rs256, rsa_jwk));
    // d alone (no CRT members) is accepted after a sign/verify self-test.
    boost::json::object d_only{{"kty", "RSA"}, {"n", full.at("n")}, {"e", full.at("e")}, {"d", full.at("d")}};
    check_round_trip(key::from_jwk(algorithm::rs256, boost::json::serialize(d_only)), priv);
    std::string d = std::string(full.at("d").as_string());
    d[7] = d[7] == 'A' ? 'B' : 'A';
    d_only["d"] = d;
    CHECK(jwk_error(algorithm::rs256, boost::json::serialize(d_only)) == errc::bad_key);
    boost::json::value p = full.at("p"); // a copy: operator[] may rehash and move members
    full["q"] = p;
    CHECK(jwk_error(algorithm::rs256, boost::json::serialize(full)) == errc::bad_key);
}

TEST_CASE("one key verifies tokens from many threads at once", "[jwt][key]") {
    struct row {
        algorithm alg;
        const pems* p;
    };
    for (auto [alg, p] : {row{algorithm::es256, &ec("P-256")}, row{algorithm::ps256, &rsa2048()},
                          row{algorithm::eddsa, &ed25519()}}) {
        INFO(to_string(alg));
        key signer = key::from_pem(alg, p->private_pkcs8);
        const key verifier = key::from_pem(alg, p->public_spki);
        std::vector<std::string> tokens;
        for (int i = 0; i < 8; ++i) tokens.push_back(sign_jws(signer, "payload " + std::to_string(i)));
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        // More threads than cached verification contexts, so the overflow path runs too.
        for (int t = 0; t < 20; ++t)
            threads.emplace_back([&, t] {
                std::string payload;
                for (int i = 0; i < 12; ++i) {
                    const std::string& tok = tokens[static_cast<std::size_t>((t + i) % 8)];
                    if (verify_jws(tok, verifier, payload) || payload != "payload " + std::to_string((t + i) % 8))
                        ++failures;
                    std::string bad = tok;
                    bad[bad.size() - 2] = bad[bad.size() - 2] == 'A' ? 'B' : 'A';
                    if (verify_jws(bad, verifier, payload) != errc::bad_signature) ++failures;
                }
            });
        for (auto& th : threads) th.join();
        CHECK(failures == 0);
    }
}

TEST_CASE("key::load reads PEM, JWK and DER text", "[jwt][key]") {
    std::error_code ec;
    CHECK(key::load(algorithm::es256, ec_jwk, ec));
    CHECK(key::load(algorithm::es256, "  \n" + ec_jwk, ec));
    CHECK(key::load(algorithm::rs256, rsa2048().public_spki, ec));
    CHECK(key::load(algorithm::rs256, rsa2048().public_der, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(key::load(algorithm::rs256, "junk", ec));
    CHECK(ec == errc::bad_key);
}

TEST_CASE("key sets need distinct kids and choose by kid only", "[jwt][key][key_set]") {
    key a = key::hmac(algorithm::hs256, std::string(32, 'a'));
    key b = key::hmac(algorithm::hs256, std::string(32, 'b'));
    key_set one;
    CHECK_FALSE(one.add(a));
    CHECK(one.add(b) == errc::missing_kid);
    key_set two;
    CHECK_FALSE(two.add(a.with_kid("1")));
    CHECK(two.add(b.with_kid("1")) == errc::duplicate_kid);
    CHECK(two.add(b) == errc::missing_kid);
    CHECK_FALSE(two.add(b.with_kid("2")));
    CHECK(two.add(key{}) == errc::no_key);
    std::error_code ec;
    CHECK(two.select("2", ec)->kid() == "2");
    CHECK(two.select("3", ec) == nullptr);
    CHECK(ec == errc::unknown_kid);
    CHECK(two.select(std::nullopt, ec) == nullptr);
    CHECK(ec == errc::kid_required);
    CHECK(one.select(std::nullopt, ec) != nullptr);
    CHECK_THROWS_AS((key_set{a, b}), std::system_error);
}

TEST_CASE("HMAC secrets and public keys are not mixed in one key set unless allowed", "[jwt][key][key_set]") {
    key hs = key::hmac(algorithm::hs256, std::string(32, 'h')).with_kid("h");
    key es = key::from_jwk(algorithm::es256, ec_jwk).with_kid("e");
    key_set set;
    CHECK_FALSE(set.add(hs));
    CHECK(set.add(es) == errc::mixed_key_set);
    CHECK_FALSE(set.add(key::hmac(algorithm::hs512, std::string(64, 'h')).with_kid("h2")));
    key_set migrating;
    migrating.allow_mixed_key_types();
    CHECK_FALSE(migrating.add(hs));
    CHECK_FALSE(migrating.add(es));
    CHECK(migrating.size() == 2);
}

TEST_CASE("RSA keys with a degenerate public exponent are refused", "[jwt][key]") {
    // e = 1 makes every "signature" trivial; an even e is not an RSA key.
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + rsa_n + R"(","e":"AQ"})") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + rsa_n + R"(","e":"AQAA"})") == errc::bad_key);
    CHECK(jwk_error(algorithm::rs256, R"({"kty":"RSA","n":")" + rsa_n + R"(","e":"Aw"})") == errc{}); // e = 3 is sound
}

TEST_CASE("a JWK Set loads every signature key; encryption keys fail or are skipped", "[jwt][key][key_set]") {
    std::string jwks = R"({"keys":[)" + with(rsa_jwk, R"("kid":"r","alg":"RS256")") + "," +
                       with(ec_jwk, R"("kid":"e","alg":"ES256","use":"sig")") + "]}";
    key_set set = key_set::from_jwks(jwks);
    CHECK(set.size() == 2);
    std::error_code ec;
    CHECK(set.select("e", ec)->alg() == algorithm::es256);
    std::string mixed = R"({"keys":[)" + with(rsa_jwk, R"("kid":"r","alg":"RS256")") + "," +
                        with(ec_jwk, R"("kid":"x","use":"enc")") + "]}";
    key_set::from_jwks(mixed, ec);
    CHECK(ec == errc::key_use_mismatch);
    jwks_options skip;
    skip.default_alg = algorithm::es256;
    skip.skip_unusable = true;
    key_set skipped = key_set::from_jwks(mixed, ec, skip);
    CHECK_FALSE(ec);
    CHECK(skipped.size() == 1);
    // Keys without alg take the default; a lone JWK is a set of one.
    jwks_options es256_default;
    es256_default.default_alg = algorithm::es256;
    CHECK(key_set::from_jwks(ec_jwk, ec, es256_default).size() == 1);
    key_set::from_jwks(R"({"keys":[]})", ec);
    CHECK(ec == errc::no_key);
    key_set::from_jwks(R"({"keys":{}})", ec);
    CHECK(ec == errc::bad_key);
}
