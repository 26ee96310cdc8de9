// Registered-claim validation with a frozen clock (jwt.hpp).
#include "support.hpp"

#include <warden/jwt/jwt.hpp>

#include <catch2/catch.hpp>

using namespace warden::jwt;
using jwt_test::at;

namespace {

constexpr std::int64_t now_s = 1700000000;
const key& test_key() {
    static const key k = key::hmac(algorithm::hs256, std::string(32, 's'));
    return k;
}

std::string make(const std::string& claims_json) {
    return sign_jws(test_key(), claims_json);
}

std::error_code check(const std::string& claims_json, const validation& rules = {}, std::int64_t now = now_s) {
    claims c;
    return verify_jwt(make(claims_json), test_key(), rules, at(now), c);
}

std::string exp_in(std::int64_t delta) { return std::to_string(now_s + delta); }

} // namespace

TEST_CASE("exp is required by default and may be made optional", "[jwt][claims]") {
    CHECK(check(R"({"sub":"a"})") == errc::missing_exp);
    validation lax;
    lax.require_exp = false;
    CHECK_FALSE(check(R"({"sub":"a"})", lax));
}

TEST_CASE("a token expires at exp: valid the second before, expired from exp on", "[jwt][claims]") {
    CHECK_FALSE(check(R"({"exp":)" + exp_in(1) + "}"));
    CHECK(check(R"({"exp":)" + exp_in(0) + "}") == errc::expired);
    CHECK(check(R"({"exp":)" + exp_in(-3600) + "}") == errc::expired);
    CHECK(check(R"({"exp":-5})") == errc::expired);
    validation ignore;
    ignore.verify_exp = false;
    CHECK_FALSE(check(R"({"exp":)" + exp_in(-3600) + "}", ignore));
}

TEST_CASE("leeway extends exp, nbf and iat by the same number of seconds", "[jwt][claims]") {
    validation rules;
    rules.leeway = std::chrono::seconds{10};
    CHECK_FALSE(check(R"({"exp":)" + exp_in(-9) + "}", rules));
    CHECK(check(R"({"exp":)" + exp_in(-10) + "}", rules) == errc::expired);
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + exp_in(10) + "}", rules));
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + exp_in(11) + "}", rules) == errc::not_yet_valid);
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(10) + "}", rules));
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(11) + "}", rules) == errc::iat_in_future);
}

TEST_CASE("nbf in the future is refused, nbf now or past accepted", "[jwt][claims]") {
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + exp_in(1) + "}") == errc::not_yet_valid);
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + exp_in(0) + "}"));
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + exp_in(-60) + "}"));
}

TEST_CASE("iat in the future is refused, iat now or past accepted", "[jwt][claims]") {
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(1) + "}") == errc::iat_in_future);
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(0) + ".5}") == errc::iat_in_future);
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(0) + "}"));
    CHECK_FALSE(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + exp_in(-1) + "}"));
}

TEST_CASE("NumericDate claims must be JSON numbers", "[jwt][claims]") {
    for (std::string bad : {R"("1700000600")", "true", "null", "[1700000600]", "{}"}) {
        INFO(bad);
        CHECK(check(R"({"exp":)" + bad + "}") == errc::bad_numeric_date);
        CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"nbf":)" + bad + "}") == errc::bad_numeric_date);
        CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"iat":)" + bad + "}") == errc::bad_numeric_date);
    }
    // Decimals and large integers are numbers (decimals truncate, as PyJWT's int()).
    CHECK_FALSE(check(R"({"exp":)" + exp_in(1) + ".9}"));
    CHECK(check(R"({"exp":)" + exp_in(0) + ".9}") == errc::expired);
    CHECK_FALSE(check(R"({"exp":1.7e10})"));
    CHECK_FALSE(check(R"({"exp":18446744073709551615})"));
    CHECK_FALSE(check(R"({"exp":1e300})"));
}

TEST_CASE("iss must equal the configured issuer exactly", "[jwt][claims]") {
    validation rules;
    rules.issuer = "https://issuer.example";
    std::string exp = R"("exp":)" + exp_in(60);
    CHECK_FALSE(check("{" + exp + R"(,"iss":"https://issuer.example"})", rules));
    CHECK(check("{" + exp + R"(,"iss":"https://issuer.example/"})", rules) == errc::bad_issuer);
    CHECK(check("{" + exp + R"(,"iss":"HTTPS://ISSUER.EXAMPLE"})", rules) == errc::bad_issuer);
    CHECK(check("{" + exp + "}", rules) == errc::bad_issuer);
    CHECK(check("{" + exp + R"(,"iss":["https://issuer.example"]})", rules) == errc::bad_issuer);
    // Without a configured issuer, iss is not checked.
    CHECK_FALSE(check("{" + exp + R"(,"iss":"anyone"})"));
}

TEST_CASE("aud (string or array of strings) must hold a configured audience", "[jwt][claims]") {
    validation rules;
    rules.audience = {"api", "admin"};
    std::string exp = R"("exp":)" + exp_in(60);
    CHECK_FALSE(check("{" + exp + R"(,"aud":"api"})", rules));
    CHECK_FALSE(check("{" + exp + R"(,"aud":["other","admin"]})", rules));
    CHECK(check("{" + exp + R"(,"aud":"other"})", rules) == errc::bad_audience);
    CHECK(check("{" + exp + R"(,"aud":["other"]})", rules) == errc::bad_audience);
    CHECK(check("{" + exp + R"(,"aud":[]})", rules) == errc::bad_audience);
    CHECK(check("{" + exp + R"(,"aud":["api",5]})", rules) == errc::bad_audience);
    CHECK(check("{" + exp + R"(,"aud":5})", rules) == errc::bad_audience);
    CHECK(check("{" + exp + "}", rules) == errc::bad_audience);
    CHECK(check("{" + exp + R"(,"aud":"API"})", rules) == errc::bad_audience);
}

TEST_CASE("a token with aud is refused when no audience is configured", "[jwt][claims]") {
    CHECK(check(R"({"exp":)" + exp_in(60) + R"(,"aud":"someone-else"})") == errc::bad_audience);
}

TEST_CASE("required claims must be present", "[jwt][claims]") {
    validation rules;
    rules.required_claims = {"sub", "jti"};
    std::string exp = R"("exp":)" + exp_in(60);
    CHECK_FALSE(check("{" + exp + R"(,"sub":"a","jti":"x"})", rules));
    CHECK(check("{" + exp + R"(,"sub":"a"})", rules) == errc::missing_claim);
    CHECK(check("{" + exp + R"(,"jti":null})", rules) == errc::missing_claim);
}

TEST_CASE("claims are checked in PyJWT's order, then the exp requirement", "[jwt][claims]") {
    validation rules;
    rules.issuer = "me";
    rules.required_claims = {"sub"};
    CHECK(check(R"({"exp":1,"iss":"you"})", rules) == errc::missing_claim);
    CHECK(check(R"({"sub":"a","exp":1,"iss":"you"})", rules) == errc::expired);
    CHECK(check(R"({"sub":"a","iss":"you"})", rules) == errc::bad_issuer);
    CHECK(check(R"({"sub":"a","iss":"me"})", rules) == errc::missing_exp);
    CHECK(check(R"({"sub":"a","exp":1,"nbf":"x"})", rules) == errc::bad_numeric_date);
}

TEST_CASE("claims are reusable: an arena object holds the last verified claims", "[jwt][claims]") {
    claims c;
    for (int i = 0; i < 3; ++i) {
        std::string token = make(R"({"exp":)" + exp_in(60) + R"(,"n":)" + std::to_string(i) + "}");
        REQUIRE_FALSE(verify_jwt(token, test_key(), {}, at(now_s), c));
        CHECK(c.find("n")->as_int64() == i);
    }
    boost::json::object copy = c.to_object();
    // A failed verification leaves the claims empty; the copy is independent.
    CHECK(verify_jwt(make(R"({"exp":1})"), test_key(), {}, at(now_s), c) == errc::expired);
    CHECK(c.object().empty());
    CHECK_FALSE(c.contains("n"));
    CHECK(copy.at("n").as_int64() == 2);
}

TEST_CASE("a large claim set spills from the inline arena without harm", "[jwt][claims]") {
    std::string many = R"({"exp":)" + exp_in(60);
    for (int i = 0; i < 200; ++i) many += ",\"claim" + std::to_string(i) + "\":\"" + std::string(10, 'v') + "\"";
    many += "}";
    claims c;
    REQUIRE_FALSE(verify_jwt(make(many), test_key(), {}, at(now_s), c));
    CHECK(c.object().size() == 201);
    CHECK(c.object().at("claim199").as_string() == "vvvvvvvvvv");
}

TEST_CASE("decode_unverified reads header and claims without checking anything", "[jwt][claims]") {
    std::string token = make(R"({"exp":1,"sub":"x"})");
    boost::json::object header, payload;
    REQUIRE_FALSE(decode_unverified(token, header, payload));
    CHECK(header.at("alg").as_string() == "HS256");
    CHECK(payload.at("sub").as_string() == "x");
    CHECK(decode_unverified("a.b", header, payload) == errc::bad_format);
    CHECK(decode_unverified(sign_jws(test_key(), R"({"a":1,"a":2})"), header, payload) == errc::duplicate_member);
}
