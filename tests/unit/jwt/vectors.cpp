// Published JWS vectors: RFC 7515 appendix A, RFC 8037, RFC 7520 (jose-cookbook), RFC 7797.
#include "support.hpp"

#include <warden/jwt/jwt.hpp>

#include <catch2/catch.hpp>

using namespace warden::jwt;
using jwt_test::at;
using warden_test::as_string;

namespace {

key jwk_key(algorithm alg, const boost::json::value& jwk) {
    std::error_code ec;
    key k = key::from_jwk(alg, jwk.as_object(), ec);
    INFO("jwk error: " << ec.message());
    REQUIRE_FALSE(ec);
    return k;
}

// RFC 7515 A.1-A.3 payload: {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}
constexpr std::int64_t rfc7515_exp = 1300819380;

} // namespace

TEST_CASE("RFC 7515 A.1-A.4 tokens verify with their keys", "[jwt][vectors][rfc7515]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    const auto& a = doc->at("rfc7515_appendixA");
    struct row {
        const char* name;
        algorithm alg;
    };
    for (auto [name, alg] : {row{"A.1_HS256", algorithm::hs256}, row{"A.2_RS256", algorithm::rs256},
                             row{"A.3_ES256", algorithm::es256}, row{"A.4_ES512", algorithm::es512}}) {
        INFO(name);
        key k = jwk_key(alg, a.at(name).at("jwk"));
        std::string token = as_string(a.at(name).at("compact"));
        std::string payload;
        REQUIRE_FALSE(verify_jws(token, k, payload));
        if (alg == algorithm::es512) {
            CHECK(payload == "Payload");
            continue;
        }
        CHECK(payload.find("\"iss\":\"joe\"") != std::string::npos);
        // As a JWT: valid just before exp, expired from exp on.
        claims c;
        CHECK_FALSE(verify_jwt(token, k, {}, at(rfc7515_exp - 1), c));
        CHECK(c.object().at("iss") == "joe");
        CHECK(c.object().at("http://example.com/is_root") == true);
        CHECK(verify_jwt(token, k, {}, at(rfc7515_exp), c) == errc::expired);
        // One flipped signature bit fails.
        std::string bad = token;
        bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
        CHECK(verify_jws(bad, k, payload) == errc::bad_signature);
    }
}

TEST_CASE("RFC 7515 A.1 is reproduced exactly by signing", "[jwt][vectors][rfc7515]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    const auto& a1 = doc->at("rfc7515_appendixA").at("A.1_HS256");
    key k = jwk_key(algorithm::hs256, a1.at("jwk"));
    std::string token = as_string(a1.at("compact"));
    // HMAC is deterministic: re-MAC the same signing input and compare the signature.
    auto dot = token.rfind('.');
    std::string sig;
    REQUIRE_FALSE(k.sign(std::string_view(token).substr(0, dot), sig));
    CHECK(warden::crypto::base64url_encode(sig) == token.substr(dot + 1));
}

TEST_CASE("RFC 7515 A.5 unsecured JWS is rejected", "[jwt][vectors][rfc7515]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    const auto& a = doc->at("rfc7515_appendixA");
    key k = jwk_key(algorithm::hs256, a.at("A.1_HS256").at("jwk"));
    std::string payload;
    // The empty signature makes it malformed before its alg is even looked at; with any
    // signature, alg none is named as the reason.
    std::string none = as_string(a.at("A.5_none").at("compact"));
    CHECK(verify_jws(none, k, payload) == errc::bad_format);
    CHECK(verify_jws(none + "AAAA", k, payload) == errc::alg_none);
}

TEST_CASE("RFC 8037 A.4 Ed25519 token verifies and signing reproduces it", "[jwt][vectors][rfc8037]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    const auto& v = doc->at("rfc8037_A4_Ed25519");
    key k = jwk_key(algorithm::eddsa, v.at("jwk"));
    REQUIRE(k.can_sign());
    std::string token = as_string(v.at("compact"));
    std::string payload;
    REQUIRE_FALSE(verify_jws(token, k, payload));
    CHECK(payload == "Example of Ed25519 signing");
    // Ed25519 is deterministic and the header is {"alg":"EdDSA"}.
    CHECK(sign_jws(k, payload, sign_options{.typ = ""}) == token);
}

TEST_CASE("RFC 7520 4.1-4.4 cookbook signatures verify, and deterministic ones are reproduced",
          "[jwt][vectors][rfc7520]") {
    struct row {
        const char* file;
        algorithm alg;
        bool deterministic;
    };
    for (auto [file, alg, deterministic] :
         {row{"jws_4_1.rsa_v15_signature.json", algorithm::rs256, true},
          row{"jws_4_2.rsa-pss_signature.json", algorithm::ps384, false},
          row{"jws_4_3.ecdsa_signature.json", algorithm::es512, false},
          row{"jws_4_4.hmac-sha2_integrity_protection.json", algorithm::hs256, true}}) {
        INFO(file);
        WARDEN_SHARED_JSON_OR_SKIP(doc, std::string("vectors/jose-cookbook/") + file);
        REQUIRE(as_string(doc->at("input").at("alg")) == to_string(alg));
        key k = jwk_key(alg, doc->at("input").at("key"));
        CHECK(k.kid() == as_string(doc->at("input").at("key").at("kid")));
        std::string compact = as_string(doc->at("output").at("compact"));
        std::string payload;
        REQUIRE_FALSE(verify_jws(compact, k, payload));
        CHECK(payload == as_string(doc->at("input").at("payload")));
        std::string signed_token = sign_jws(k, payload, sign_options{.typ = ""});
        if (deterministic) CHECK(signed_token == compact);
        // Our own signature (randomized for PSS and ECDSA) verifies too.
        CHECK_FALSE(verify_jws(signed_token, k, payload));
    }
}

TEST_CASE("RFC 7797 b64 false is refused, its b64 true twin verifies", "[jwt][vectors][rfc7797]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    key k = jwk_key(algorithm::hs256, doc->at("rfc7515_appendixA").at("A.1_HS256").at("jwk"));
    const auto& v = doc->at("rfc7797");
    std::string payload;
    REQUIRE_FALSE(verify_jws(as_string(v.at("4.1_b64_true_compact")), k, payload));
    CHECK(payload == "$.02");
    // The unencoded form cannot even be expressed in strict compact form ("$.02" holds a
    // dot); with the payload base64url-encoded the header's crit/b64 are what refuse it.
    std::string detached = as_string(v.at("4.2_b64_false_protected")) + "." +
                           warden::crypto::base64url_encode(as_string(v.at("4.2_b64_false_payload"))) + "." +
                           as_string(v.at("4.2_signature"));
    CHECK(verify_jws(detached, k, payload) == errc::crit_unsupported);
}
