// simplejwt compatibility without Python: settings defaults, token shapes, claim order,
// failure classification (simplejwt.hpp).
#include "support.hpp"

#include <warden/jwt/simplejwt.hpp>

#include <catch2/catch.hpp>

#include <openssl/evp.h>

using namespace warden::jwt;
using namespace std::chrono_literals;
using jwt_test::at;
using jwt_test::pem_of;

namespace {

constexpr std::int64_t t0 = 1700000000;

settings hs_settings() {
    settings s;
    s.signing_key = "a signing key that is long enough for HS256";
    return s;
}

std::vector<std::string> keys_of(const boost::json::object& o) {
    std::vector<std::string> out;
    for (const auto& kv : o) out.emplace_back(kv.key());
    return out;
}

bool is_uuid4_hex(const boost::json::value& v) {
    if (!v.is_string()) return false;
    std::string_view s = v.get_string();
    if (s.size() != 32 || s.find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
    return s[12] == '4' && std::string_view("89ab").find(s[16]) != std::string_view::npos;
}

} // namespace

TEST_CASE("settings default to simplejwt 5.2's SIMPLE_JWT defaults", "[jwt][simplejwt]") {
    settings s;
    CHECK(s.access_token_lifetime == 5min);
    CHECK(s.refresh_token_lifetime == 24h);
    CHECK_FALSE(s.rotate_refresh_tokens);
    CHECK_FALSE(s.blacklist_after_rotation);
    CHECK_FALSE(s.update_last_login);
    CHECK(s.alg == algorithm::hs256);
    CHECK(s.verifying_key.empty());
    CHECK(s.audience.empty());
    CHECK_FALSE(s.issuer);
    CHECK(s.leeway == 0s);
    CHECK(s.auth_header_types == std::vector<std::string>{"Bearer"});
    CHECK(s.auth_token_types == std::vector<token_type>{token_type::access});
    CHECK(s.user_id_field == "id");
    CHECK(s.user_id_claim == "user_id");
    CHECK(s.token_type_claim == "token_type");
    CHECK(s.jti_claim == "jti");
    CHECK(s.sliding_token_refresh_exp_claim == "refresh_exp");
    CHECK(s.sliding_token_lifetime == 5min);
    CHECK(s.sliding_token_refresh_lifetime == 24h);
    CHECK_FALSE(s.allow_short_hmac_key);
}

TEST_CASE("new tokens carry simplejwt's claims in simplejwt's order", "[jwt][simplejwt]") {
    settings s = hs_settings();
    auto now = at(t0) + 750ms; // sub-second part is dropped, like timegm(utctimetuple())
    token access = token::for_user(token_type::access, 42, s, now);
    CHECK(keys_of(access.payload()) == std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id"});
    CHECK(access.payload().at("token_type") == "access");
    CHECK(access.payload().at("exp") == t0 + 300);
    CHECK(access.payload().at("iat") == t0);
    CHECK(is_uuid4_hex(access.payload().at("jti")));
    CHECK(access.payload().at("user_id") == 42);

    token refresh = token::for_user(token_type::refresh, "u-7", s, now);
    CHECK(refresh.payload().at("exp") == t0 + 86400);
    CHECK(refresh.payload().at("user_id") == "u-7");

    token sliding = token::for_user(token_type::sliding, 1, s, now);
    CHECK(keys_of(sliding.payload()) ==
          std::vector<std::string>{"token_type", "exp", "iat", "jti", "refresh_exp", "user_id"});
    CHECK(sliding.payload().at("exp") == t0 + 300);
    CHECK(sliding.payload().at("refresh_exp") == t0 + 86400);
    CHECK(access.payload().at("jti") != refresh.payload().at("jti"));
}

TEST_CASE("an access token from a refresh token copies its claims but not type, exp or jti", "[jwt][simplejwt]") {
    settings s = hs_settings();
    boost::json::object refresh_payload{{"token_type", "refresh"}, {"exp", t0 + 50000}, {"iat", t0 - 100},
                                        {"jti", "0123456789abcdef0123456789abcdef"}, {"user_id", 9}, {"role", "x"}};
    token refresh = token::from_claims(token_type::refresh, refresh_payload, at(t0));
    token access = refresh.access_token(s);
    CHECK(keys_of(access.payload()) == std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id", "role"});
    CHECK(access.payload().at("token_type") == "access");
    CHECK(access.payload().at("exp") == t0 + 300);
    CHECK(access.payload().at("iat") == t0 - 100); // simplejwt keeps the refresh token's iat
    CHECK(access.payload().at("jti") != refresh_payload.at("jti"));
    CHECK(access.payload().at("role") == "x");
}

TEST_CASE("the backend encodes like PyJWT and validates token types like simplejwt", "[jwt][simplejwt]") {
    settings s = hs_settings();
    token_backend backend{s};
    auto now = at(t0);
    std::string access = backend.encode(token::for_user(token_type::access, 5, s, now));
    std::string refresh = backend.encode(token::for_user(token_type::refresh, 5, s, now));
    CHECK(access.substr(0, access.find('.')) == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"); // {"alg":"HS256","typ":"JWT"}
    claims c;
    REQUIRE_FALSE(backend.validate(access, token_type::access, c, now + 10s));
    CHECK(c.find("user_id")->as_int64() == 5);
    CHECK(backend.validate(refresh, token_type::access, c, now) == errc::wrong_token_type);
    CHECK_FALSE(backend.validate(refresh, token_type::refresh, c, now));
    CHECK_FALSE(backend.validate(refresh, token_type::untyped, c, now));
    CHECK(backend.validate(access, token_type::access, c, now + 300s) == errc::expired);
    CHECK(backend.validate("abc.def.ghi", token_type::access, c, now) == errc::bad_json);

    auto strip = [&](std::initializer_list<std::string_view> names) {
        token t = token::for_user(token_type::access, 5, s, now);
        for (auto n : names) t.payload().erase(n);
        return backend.encode(t);
    };
    CHECK(backend.validate(strip({"token_type"}), token_type::access, c, now) == errc::missing_token_type);
    CHECK(backend.validate(strip({"jti"}), token_type::access, c, now) == errc::missing_jti);
    CHECK(backend.validate(strip({"jti", "token_type"}), token_type::access, c, now) == errc::missing_jti);
    CHECK(backend.validate(strip({"exp", "jti"}), token_type::access, c, now) == errc::missing_exp);
}

TEST_CASE("failures read as simplejwt's TokenError messages", "[jwt][simplejwt]") {
    settings s;
    CHECK(simplejwt_message(errc::bad_signature) == "Token is invalid or expired");
    CHECK(simplejwt_message(errc::expired) == "Token is invalid or expired");
    CHECK(simplejwt_message(errc::alg_mismatch) == "Token is invalid or expired");
    CHECK(simplejwt_message(errc::bad_format) == "Token is invalid or expired");
    CHECK(simplejwt_message(errc::missing_exp) == "Token has no 'exp' claim");
    CHECK(simplejwt_message(errc::missing_jti) == "Token has no id");
    CHECK(simplejwt_message(errc::missing_token_type) == "Token has no type");
    CHECK(simplejwt_message(errc::wrong_token_type) == "Token has wrong type");
    CHECK(simplejwt_message(errc::blacklisted) == "Token is blacklisted");
    CHECK(simplejwt_message(errc::missing_user_id) == "Token contained no recognizable user identification");
    CHECK(simplejwt_message(errc::missing_refresh_exp, s) == "Token has no 'refresh_exp' claim");
    s.sliding_token_refresh_exp_claim = "rexp";
    CHECK(simplejwt_message(errc::refresh_expired, s) == "Token 'rexp' claim has expired");
    CHECK(simplejwt_message(std::make_error_code(std::errc::io_error)) == "Token is invalid or expired");
    CHECK(token_not_valid_code == "token_not_valid");
    auto entry = simplejwt_message_entry(token_type::access, errc::wrong_token_type);
    CHECK(boost::json::serialize(entry) ==
          R"({"token_class":"AccessToken","token_type":"access","message":"Token has wrong type"})");
}

TEST_CASE("sliding tokens check their refresh expiry claim", "[jwt][simplejwt]") {
    settings s = hs_settings();
    token t = token::for_user(token_type::sliding, 1, s, at(t0));
    CHECK_FALSE(t.check_exp(s.sliding_token_refresh_exp_claim, 0s, at(t0 + 86399)));
    CHECK(t.check_exp(s.sliding_token_refresh_exp_claim, 0s, at(t0 + 86400)) == errc::refresh_expired);
    CHECK_FALSE(t.check_exp(s.sliding_token_refresh_exp_claim, 5s, at(t0 + 86404)));
    CHECK(t.check_exp("exp", 0s, at(t0 + 300)) == errc::expired);
    t.payload().erase("refresh_exp");
    CHECK(t.check_exp(s.sliding_token_refresh_exp_claim, 0s, at(t0)) == errc::missing_refresh_exp);
    t.payload()["refresh_exp"] = "soon";
    CHECK(t.check_exp(s.sliding_token_refresh_exp_claim, 0s, at(t0)) == errc::bad_numeric_date);
    // Re-issuing a sliding token: new exp and iat from the refresh time.
    token again = token::from_claims(token_type::sliding, t.payload(), at(t0 + 1000));
    again.set_exp(s);
    again.set_iat();
    CHECK(again.payload().at("exp") == t0 + 1300);
    CHECK(again.payload().at("iat") == t0 + 1000);
}

TEST_CASE("the backend refuses a short HMAC signing key unless allowed", "[jwt][simplejwt]") {
    settings s;
    s.signing_key = "django-insecure-short";
    std::error_code ec;
    token_backend refused{s, ec};
    CHECK(ec == errc::key_too_short);
    CHECK_THROWS_AS(token_backend{s}, std::system_error);
    s.allow_short_hmac_key = true;
    token_backend allowed{s, ec};
    CHECK_FALSE(ec);
    claims c;
    CHECK_FALSE(allowed.validate(allowed.encode(token::for_user(token_type::access, 1, s, at(t0))), token_type::access, c,
                                 at(t0)));
}

TEST_CASE("AUDIENCE and ISSUER are written on encode and enforced on decode", "[jwt][simplejwt]") {
    settings s = hs_settings();
    s.audience = {"api"};
    s.issuer = "https://auth.example";
    token_backend backend{s};
    std::string raw = backend.encode(token::for_user(token_type::access, 3, s, at(t0)));
    boost::json::object header, payload;
    REQUIRE_FALSE(decode_unverified(raw, header, payload));
    CHECK(keys_of(payload) == std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id", "aud", "iss"});
    claims c;
    CHECK_FALSE(backend.validate(raw, token_type::access, c, at(t0)));
    settings other = s;
    other.audience = {"not-api"};
    CHECK(token_backend{other}.validate(raw, token_type::access, c, at(t0)) == errc::bad_audience);
    other = s;
    other.issuer = "https://evil.example";
    CHECK(token_backend{other}.validate(raw, token_type::access, c, at(t0)) == errc::bad_issuer);
    s.audience = {"a", "b"};
    std::string two = token_backend{s}.encode(token::for_user(token_type::access, 3, s, at(t0)));
    REQUIRE_FALSE(decode_unverified(two, header, payload));
    CHECK(boost::json::serialize(payload.at("aud")) == R"(["a","b"])");
}

TEST_CASE("asymmetric settings: PEM private key signs, PEM public key or JWKS verifies", "[jwt][simplejwt]") {
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    settings s;
    s.alg = algorithm::es256;
    s.signing_key = pem_of(pkey, true);
    s.verifying_key = pem_of(pkey, false);
    EVP_PKEY_free(pkey);
    token_backend backend{s};
    std::string raw = backend.encode(token::for_user(token_type::access, 8, s, at(t0)));
    claims c;
    CHECK_FALSE(backend.validate(raw, token_type::access, c, at(t0)));
    // A verify-only service.
    settings verify_only = s;
    verify_only.signing_key.clear();
    token_backend verifier{verify_only};
    CHECK_FALSE(verifier.validate(raw, token_type::access, c, at(t0)));
    CHECK_THROWS_AS(verifier.encode(token::for_user(token_type::access, 8, s, at(t0))), std::system_error);
    // A public key given as signing key cannot sign.
    settings wrong = s;
    wrong.signing_key = s.verifying_key;
    std::error_code ec;
    token_backend bad{wrong, ec};
    CHECK(ec == errc::key_cannot_sign);
    // Neither key: nothing to verify with.
    settings none;
    none.alg = algorithm::rs256;
    token_backend empty{none, ec};
    CHECK(ec == errc::no_key);
}
