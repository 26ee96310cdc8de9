// Publishing keys: public JWKs (RSA, EC, OKP) with no private member, RFC 7638
// thumbprints, the JWK Set of a key set, the algorithm a key file implies, and
// key_service::from_keys for rotation.
#include "support.hpp"

#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/key_set.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>

using namespace warden::jwt;

namespace {

struct key_pair {
    std::string private_pem, public_pem;
};

key_pair make_pair(EVP_PKEY* pkey) {
    key_pair p{jwt_test::pem_of(pkey, true), jwt_test::pem_of(pkey, false)};
    EVP_PKEY_free(pkey);
    return p;
}

const key_pair& rsa() {
    static const key_pair p = make_pair(EVP_RSA_gen(2048));
    return p;
}
const key_pair& p256() {
    static const key_pair p = make_pair(EVP_EC_gen("P-256"));
    return p;
}
const key_pair& ed25519() {
    static const key_pair p = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    return p;
}

boost::json::object jwk_of(const key& k) {
    boost::json::object o;
    REQUIRE_FALSE(k.public_jwk(o));
    return o;
}

const char* const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

} // namespace

TEST_CASE("RFC 7638's example key has RFC 7638's thumbprint", "[jwt][jwks]") {
    // RFC 7638 section 3.1.
    const std::string jwk =
        R"({"kty":"RSA","e":"AQAB","alg":"RS256","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"})";
    key k = key::from_jwk(std::nullopt, jwk);
    std::string t;
    REQUIRE_FALSE(k.thumbprint(t));
    CHECK(t == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST_CASE("public JWKs give back the cookbook's public keys", "[jwt][jwks]") {
    for (const char* file : {"vectors/jose-cookbook/jwk_3_1.ec_public_key.json", "vectors/jose-cookbook/jwk_3_3.rsa_public_key.json"}) {
        const boost::json::value* v = warden_test::shared_json(file);
        if (!v) {
            WARN("skipped: ../shared/" << file << " is not available");
            continue;
        }
        const auto& in = v->as_object();
        const algorithm alg = in.at("kty") == "EC" ? algorithm::es512 : algorithm::rs256;
        key k = key::from_jwk(alg, boost::json::serialize(in));
        auto out = jwk_of(k);
        for (const auto& m : out) {
            INFO(file << " member " << m.key());
            CHECK(in.at(m.key()) == m.value());
        }
        CHECK(out.size() == (in.at("kty") == "EC" ? 4u : 3u));
    }
}

TEST_CASE("a private key publishes its public half only; an HMAC secret is never published", "[jwt][jwks]") {
    for (auto [alg, pair, kty] : {std::tuple{algorithm::rs256, &rsa(), "RSA"}, std::tuple{algorithm::es256, &p256(), "EC"},
                                  std::tuple{algorithm::eddsa, &ed25519(), "OKP"}}) {
        INFO(kty);
        key priv = key::from_pem(alg, pair->private_pem);
        key pub = key::from_pem(alg, pair->public_pem);
        auto a = jwk_of(priv);
        CHECK(a == jwk_of(pub));
        CHECK(a.at("kty") == kty);
        for (const char* m : private_members) CHECK_FALSE(a.contains(m));
        std::string t1, t2;
        REQUIRE_FALSE(priv.thumbprint(t1));
        REQUIRE_FALSE(pub.thumbprint(t2));
        CHECK(t1 == t2);
        CHECK(t1.size() == 43);
        // The published JWK is a working verification key.
        boost::json::object published = a;
        published["alg"] = to_string(alg);
        key back = key::from_jwk(std::nullopt, boost::json::serialize(published));
        std::string sig;
        REQUIRE_FALSE(priv.sign("data", sig));
        CHECK_FALSE(back.verify("data", sig));
    }
    auto ec = jwk_of(key::from_pem(algorithm::es256, p256().private_pem));
    CHECK(ec.at("crv") == "P-256");
    CHECK(ec.at("x").as_string().size() == 43);   // 32 bytes, padded
    CHECK(ec.at("y").as_string().size() == 43);

    key h = key::hmac(algorithm::hs256, std::string(32, 's'));
    boost::json::object o;
    CHECK(h.public_jwk(o) == errc::key_type_mismatch);
    std::string t;
    CHECK(h.thumbprint(t) == errc::key_type_mismatch);
    CHECK(key{}.public_jwk(o) == errc::no_key);
}

TEST_CASE("a key set's JWK Set lists its public keys with kid, alg and use, never a secret", "[jwt][jwks]") {
    key_set set;
    set.allow_mixed_key_types();
    REQUIRE_FALSE(set.add(key::from_pem(algorithm::rs256, rsa().private_pem).with_kid("r1")));
    REQUIRE_FALSE(set.add(key::from_pem(algorithm::eddsa, ed25519().public_pem).with_kid("e1")));
    REQUIRE_FALSE(set.add(key::hmac(algorithm::hs256, std::string(32, 'x')).with_kid("h1")));
    std::string json;
    REQUIRE_FALSE(set.to_public_jwks(json));
    CHECK(json.find(std::string(32, 'x')) == std::string::npos);
    CHECK(json.find(warden::crypto::base64url_encode(std::string(32, 'x'))) == std::string::npos);
    auto doc = boost::json::parse(json).as_object();
    auto& keys = doc.at("keys").as_array();
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].at("kid") == "r1");
    CHECK(keys[0].at("alg") == "RS256");
    CHECK(keys[0].at("use") == "sig");
    CHECK(keys[0].at("kty") == "RSA");
    CHECK(keys[1].at("kid") == "e1");
    CHECK(keys[1].at("alg") == "EdDSA");
    for (const auto& k : keys)
        for (const char* m : private_members) CHECK_FALSE(k.as_object().contains(m));
    // What is published reads back as a key set that verifies by kid.
    key_set back = key_set::from_jwks(json);
    CHECK(back.size() == 2);
    // A key without kid is listed under its thumbprint.
    key_set one(key::from_pem(algorithm::es256, p256().public_pem));
    REQUIRE_FALSE(one.to_public_jwks(json));
    std::string t;
    REQUIRE_FALSE(key::from_pem(algorithm::es256, p256().public_pem).thumbprint(t));
    CHECK(boost::json::parse(json).at("keys").at(0).at("kid").as_string() == t);
}

TEST_CASE("a key file's type implies its algorithm", "[jwt][jwks]") {
    std::error_code ec;
    CHECK(implied_algorithm(rsa().private_pem, ec) == algorithm::rs256);
    CHECK(implied_algorithm(rsa().public_pem, ec) == algorithm::rs256);
    CHECK(implied_algorithm(p256().private_pem, ec) == algorithm::es256);
    CHECK(implied_algorithm(ed25519().private_pem, ec) == algorithm::eddsa);
    auto p384 = make_pair(EVP_EC_gen("P-384"));
    CHECK(implied_algorithm(p384.private_pem, ec) == algorithm::es384);
    auto ed448 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
    CHECK_FALSE(implied_algorithm(ed448.private_pem, ec));
    CHECK(ec == errc::unsupported_algorithm);
    auto k256 = make_pair(EVP_EC_gen("secp256k1"));
    CHECK_FALSE(implied_algorithm(k256.private_pem, ec));
    CHECK(ec == errc::unsupported_algorithm);
    CHECK_FALSE(implied_algorithm("not a key", ec));
    CHECK(ec == errc::bad_key);
    CHECK_FALSE(implied_algorithm("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", ec));
    CHECK(ec == errc::encrypted_key);
}

TEST_CASE("from_keys names every key by its thumbprint and publishes the signing key first", "[jwt][jwks]") {
    settings cfg;
    key current = key::from_pem(algorithm::es256, p256().private_pem);
    key next = key::from_pem(algorithm::eddsa, ed25519().public_pem);
    auto k = key_service::from_keys(cfg, current, {next});
    CHECK(k.config().alg == algorithm::es256);
    std::string t_current, t_next;
    REQUIRE_FALSE(current.thumbprint(t_current));
    REQUIRE_FALSE(next.thumbprint(t_next));
    auto doc = boost::json::parse(k.jwks());
    REQUIRE(doc.at("keys").as_array().size() == 2);
    CHECK(doc.at("keys").at(0).at("kid").as_string() == t_current);
    CHECK(doc.at("keys").at(1).at("kid").as_string() == t_next);
    CHECK(k.jwks_etag().front() == '"');
    // Tokens carry the signing key's kid.
    auto t = token::for_user(token_type::access, 1, cfg, std::chrono::system_clock::now());
    std::string raw = k.encode(t);
    std::string header_json;
    REQUIRE_FALSE(warden::crypto::base64url_decode(raw.substr(0, raw.find('.')), header_json));
    auto header = boost::json::parse(header_json);
    CHECK(header.at("kid").as_string() == t_current);
    // The signing key listed again among the published ones counts once.
    CHECK(boost::json::parse(key_service::from_keys(cfg, current, {current}).jwks()).at("keys").as_array().size() == 1);
    // An HMAC service publishes nothing.
    CHECK(key_service::hs256(std::string(32, 'k')).jwks() == R"({"keys":[]})");
    // HMAC keys need a kid of their own; keys must have distinct kids.
    CHECK_THROWS_AS(key_service::from_keys(cfg, key::hmac(algorithm::hs256, std::string(32, 'k'))), std::system_error);
    CHECK_THROWS_AS(key_service::from_keys(cfg, current.with_kid("a"), {next.with_kid("a")}), std::system_error);
    CHECK_THROWS_AS(key_service::from_keys(cfg, key{}), std::system_error);
}

TEST_CASE("key rotation: publish, switch, remove", "[jwt][jwks][rotation]") {
    settings cfg;
    const auto now = jwt_test::at(1'800'000'000);
    key old_key = key::from_pem(algorithm::rs256, rsa().private_pem);
    key new_key = key::from_pem(algorithm::es256, p256().private_pem);
    key new_public = key::from_pem(algorithm::es256, p256().public_pem);
    auto check = [&](const key_service& k, const std::string& raw) {
        claims c;
        return k.backend().validate(raw, token_type::access, c, now);
    };
    auto access = token::for_user(token_type::access, 7, cfg, now);

    // 1. Signing with the old key; the new key's public half is published before use.
    auto step1 = key_service::from_keys(cfg, old_key, {new_public});
    const std::string under_old = step1.encode(access);
    CHECK_FALSE(check(step1, under_old));
    CHECK(boost::json::parse(step1.jwks()).at("keys").as_array().size() == 2);

    // 2. Signing with the new key; the old one still verifies by its kid.
    auto step2 = key_service::from_keys(cfg, new_key, {old_key});
    const std::string under_new = step2.encode(access);
    CHECK_FALSE(check(step2, under_new));
    CHECK_FALSE(check(step2, under_old));
    CHECK_FALSE(check(step1, under_new));   // step 1 already knew the new key

    // 3. The old key removed: its tokens are refused by kid.
    auto step3 = key_service::from_keys(cfg, new_key);
    CHECK_FALSE(check(step3, under_new));
    CHECK(check(step3, under_old) == errc::unknown_kid);
    CHECK(boost::json::parse(step3.jwks()).at("keys").as_array().size() == 1);
}
