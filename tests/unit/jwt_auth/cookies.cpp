// JWTs in HttpOnly cookies: the obtain view sets them, cookie_auth reads the access
// cookie with CSRF enforced on writes, the refresh view reads the refresh cookie
// (after the access token expired), the logout blacklists and revokes, and the
// cookies' attributes.
#include "support.hpp"

#include <warden/jwt/cookies.hpp>
#include <warden/jwt/jwks.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace warden;
using namespace jwt_auth_test;

namespace {

struct me_api : api_view<authentication<jwt::cookie_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}, {"scheme", req.auth().scheme}}); }
    response post(request& req) { return json({{"by", req.user().username}}, http::status::created); }
};

// The header authenticator is unchanged: it ignores the cookie.
struct bearer_api : api_view<authentication<jwt::jwt_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};

template <class Store>
auto make_cookie_site(Store& db, jwt::settings cfg = refsite_jwt()) {
    return app<defaults<parsers<json_parser, form_parser>>,
               route<"/api/token/cookie/", jwt::cookie_token_obtain>,
               route<"/api/token/cookie/refresh/", jwt::cookie_token_refresh>,
               route<"/api/token/cookie/logout/", jwt::cookie_logout>,
               route<"/api/me/", me_api>, route<"/api/bearer/", bearer_api>>(db, test_settings(),
                                                                           jwt::key_service::hs256(secret, std::move(cfg)));
}

std::string set_cookie(const test::result& r, std::string_view name) {
    for (auto& line : r.headers("Set-Cookie"))
        if (line.starts_with(std::string(name) + "=")) return line;
    return {};
}

template <class Client>
test::result login(Client& c, std::string_view user = "alice") {
    auto r = c.post("/api/token/cookie/", credentials(user));
    REQUIRE(r.status() == 200);
    return r;
}


} // namespace

TEMPLATE_LIST_TEST_CASE("the obtain view sets HttpOnly token cookies, the refresh one scoped to its path", "[jwt_auth][cookies]",
                        backends) {
    TestType b;
    seed(b.store);
    auto site = make_cookie_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto r = login(c);
    CHECK(r.json() == boost::json::parse(R"({"username":"alice","access_expires":)" + std::to_string(t0 + 300) +
                                         R"(,"refresh_expires":)" + std::to_string(t0 + 86400) + "}"));
    // No token in the body: a script never sees one.
    CHECK(r.body().find("eyJ") == std::string::npos);
    const std::string access = set_cookie(r, "access_token");
    const std::string refresh = set_cookie(r, "refresh_token");
    CHECK(access.find("; HttpOnly") != std::string::npos);
    CHECK(access.find("; Max-Age=300; Path=/; SameSite=Lax") != std::string::npos);
    CHECK(access.find("; Secure") == std::string::npos);   // plain HTTP
    CHECK(refresh.find("; HttpOnly") != std::string::npos);
    CHECK(refresh.find("; Max-Age=86400; Path=/api/token/cookie/; SameSite=Strict") != std::string::npos);
    // The tokens are simplejwt's: the access cookie works as a bearer token too.
    CHECK(c.get("/api/bearer/", {{"Authorization", bearer(c.cookies().at("access_token"))}, {"Cookie", ""}}).status() == 200);
    // A new CSRF secret, readable by the page's script.
    CHECK(set_cookie(r, "csrftoken").find("HttpOnly") == std::string::npos);
    CHECK(csrf::is_valid_token(c.cookies().at("csrftoken")));

    auto me = c.get("/api/me/");
    CHECK(me.status() == 200);
    CHECK(me.json() == boost::json::parse(R"({"username":"alice","scheme":"jwt"})"));
    // The bearer authenticator does not read the cookie.
    CHECK(c.get("/api/bearer/").status() == 401);
}

TEST_CASE("the obtain view refuses bad credentials as simplejwt does and takes JSON only", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto site = make_cookie_site(db);
    test::client c{site};
    auto bad = c.post("/api/token/cookie/", R"({"username":"alice","password":"nope"})");
    CHECK(bad.status() == 401);
    CHECK(bad.json() == boost::json::parse(R"({"detail":"No active account found with the given credentials"})"));
    CHECK(bad.headers("Set-Cookie").empty());
    CHECK(c.post("/api/token/cookie/", R"({"username":"dave","password":"dave-pass"})").status() == 401);
    auto form = c.post_form("/api/token/cookie/", "username=alice&password=alice-pass");
    CHECK(form.status() == 415);   // a cross-site form cannot log the browser in
    CHECK(c.post("/api/token/cookie/", R"({"username":"alice"})").json() ==
          boost::json::parse(R"({"password":["This field is required."]})"));
}

TEST_CASE("over TLS the token cookies are Secure", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto site = make_cookie_site(db);
    test::client c{site, "127.0.0.1", true};
    auto r = login(c);
    CHECK(set_cookie(r, "access_token").find("; Secure") != std::string::npos);
    CHECK(set_cookie(r, "refresh_token").find("; Secure") != std::string::npos);
}

TEST_CASE("a write authenticated by the access cookie needs the CSRF token", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto site = make_cookie_site(db);
    test::client c{site};
    login(c);
    auto refused = c.post("/api/me/", "{}");
    CHECK(refused.status() == 403);
    CHECK(refused.json() == boost::json::parse(R"({"detail":"CSRF Failed: CSRF token missing or incorrect."})"));
    CHECK(c.post("/api/me/", "{}", {{"X-CSRFToken", csrf::new_token()}}).status() == 403);
    std::string token;
    auto ok = c.post("/api/me/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    CHECK(ok.status() == 201);
    CHECK(ok.json() == boost::json::parse(R"({"by":"alice"})"));
    // Without the csrftoken cookie: Django's reason.
    auto no_cookie = c.post("/api/me/", "{}", {{"Cookie", "access_token=" + c.cookies().at("access_token")},
                                                {"X-CSRFToken", token}});
    CHECK(no_cookie.json() == boost::json::parse(R"({"detail":"CSRF Failed: CSRF cookie not set."})"));
    // A token in the Authorization header is not the cookie flow: no CSRF, as for jwt_auth.
    CHECK(c.get("/api/me/", {{"Cookie", ""}}).status() == 403);   // no challenge: 403, not 401
}

TEST_CASE("a bad access cookie is refused with simplejwt's body, 403 without a challenge", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto site = make_cookie_site(db);
    site.clock().freeze(at(t0));
    test::client c{site};
    login(c);
    site.clock().advance(std::chrono::seconds(301));
    auto expired = c.get("/api/me/", {{"Cookie", "access_token=" + c.cookies().at("access_token")}});
    CHECK(expired.status() == 403);
    CHECK_FALSE(expired.has_header("WWW-Authenticate"));
    CHECK(expired.json().at("code") == "token_not_valid");
    CHECK(c.get("/api/me/", {{"Cookie", "access_token=garbage"}}).json().at("detail") ==
          "Given token not valid for any token type");
    CHECK(c.get("/api/me/", {{"Cookie", "access_token="}}).json().at("detail") ==
          "Authentication credentials were not provided.");
}

TEMPLATE_LIST_TEST_CASE("after the access token expires, the refresh cookie gets a new one", "[jwt_auth][cookies]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_cookie_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    login(c);
    const std::string old_refresh = c.cookies().at("refresh_token");
    site.clock().advance(std::chrono::seconds(301));
    c.cookies().erase("access_token");   // the browser dropped it at Max-Age
    CHECK(c.get("/api/me/").status() == 403);

    std::string token;
    // Without the CSRF token the refresh is refused.
    CHECK(c.post("/api/token/cookie/refresh/", "{}").status() == 403);
    auto r = c.post("/api/token/cookie/refresh/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    REQUIRE(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"access_expires":)" + std::to_string(t0 + 301 + 300) +
                                         R"(,"refresh_expires":)" + std::to_string(t0 + 301 + 86400) + "}"));
    CHECK(set_cookie(r, "access_token").find("; HttpOnly") != std::string::npos);
    // Rotated: a new refresh token, the old one blacklisted.
    CHECK(c.cookies().at("refresh_token") != old_refresh);
    CHECK(c.get("/api/me/").status() == 200);
    auto replay = c.post("/api/token/cookie/refresh/", "{}",
                         {{"Cookie", "csrftoken=" + token + "; refresh_token=" + old_refresh}, {"X-CSRFToken", token}});
    CHECK(replay.status() == 401);
    CHECK(replay.json() == boost::json::parse(R"({"detail":"Token is blacklisted","code":"token_not_valid"})"));
    CHECK(replay.header("WWW-Authenticate") == "Bearer realm=\"api\"");
    // A refused refresh clears both cookies, so the browser stops sending them.
    CHECK(set_cookie(replay, "refresh_token").find("Max-Age=0; Path=/api/token/cookie/") != std::string::npos);
    CHECK(set_cookie(replay, "access_token").find("Max-Age=0; Path=/") != std::string::npos);
}

TEST_CASE("a refresh without the cookie, or with an expired one, is 401 and clears the cookies", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto site = make_cookie_site(db);
    site.clock().freeze(at(t0));
    test::client c{site};
    (void)c.get("/api/me/");
    c.cookies()["csrftoken"] = csrf::new_token();
    std::string token;
    auto none = c.post("/api/token/cookie/refresh/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    CHECK(none.status() == 401);
    CHECK(none.json() == boost::json::parse(R"({"detail":"Refresh token cookie not set.","code":"token_not_valid"})"));
    login(c);
    site.clock().advance(std::chrono::hours(25));
    auto expired = c.post("/api/token/cookie/refresh/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    CHECK(expired.status() == 401);
    CHECK(expired.json().at("detail") == "Token is invalid or expired");
    CHECK_FALSE(c.cookies().count("refresh_token"));
    // A user switched off since cannot refresh.
    login(c);
    set_active(db, "alice", false);
    auto gone = c.post("/api/token/cookie/refresh/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    CHECK(gone.status() == 401);
    CHECK(gone.json().at("detail") == "No active account found for the given token.");
}

TEMPLATE_LIST_TEST_CASE("the cookie logout blacklists the refresh token, revokes the access token and clears both",
                        "[jwt_auth][cookies]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_cookie_site(b.store);
    test::client c{site};
    login(c);
    const std::string access = c.cookies().at("access_token"), refresh = c.cookies().at("refresh_token");
    std::string token;
    CHECK(c.post("/api/token/cookie/logout/", "{}").status() == 403);   // CSRF
    auto r = c.post("/api/token/cookie/logout/", "{}", {{"X-CSRFToken", token = c.cookies().at("csrftoken")}});
    CHECK(r.status() == 204);
    CHECK_FALSE(c.cookies().count("access_token"));
    CHECK_FALSE(c.cookies().count("refresh_token"));
    CHECK(c.get("/api/me/").status() == 403);
    // A copy of either token is dead.
    auto copy = c.get("/api/me/", {{"Cookie", "access_token=" + access}});
    CHECK(copy.status() == 403);
    CHECK(copy.json().at("messages").at(0).at("message") == "Token is blacklisted");
    auto again = c.post("/api/token/cookie/refresh/", "{}",
                        {{"Cookie", "csrftoken=" + token + "; refresh_token=" + refresh}, {"X-CSRFToken", token}});
    CHECK(again.status() == 401);
    CHECK(again.json().at("detail") == "Token is blacklisted");
    // Logging out again, or without cookies, is harmless.
    CHECK(c.post("/api/token/cookie/logout/", "{}", {{"X-CSRFToken", token}}).status() == 204);
}

TEST_CASE("the cookies' names, paths, SameSite and Secure come from jwt::settings", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto cfg = refsite_jwt();
    cfg.cookies.access_name = "at";
    cfg.cookies.refresh_name = "rt";
    cfg.cookies.refresh_path = "/auth/";
    cfg.cookies.access_same_site = same_site::strict;
    cfg.cookies.secure = true;
    cfg.cookies.domain = "example.com";
    auto site = make_cookie_site(db, cfg);
    test::client c{site};
    auto r = login(c);
    CHECK(set_cookie(r, "at").find("; Domain=example.com;") != std::string::npos);
    CHECK(set_cookie(r, "at").find("; SameSite=Strict; Secure") != std::string::npos);
    CHECK(set_cookie(r, "rt").find("; Path=/auth/; SameSite=Strict; Secure") != std::string::npos);
    CHECK(c.get("/api/me/").status() == 200);
}

TEST_CASE("the JWKS view publishes the public keys with cache headers", "[jwt_auth][jwks]") {
    memory_store db;
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    const std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    auto keys = jwt::key_service::from_keys(refsite_jwt(), jwt::key::from_pem(jwt::algorithm::eddsa, pem));
    auto site = app<route<"/.well-known/jwks.json", jwt::jwks_view>>(db, test_settings(), keys);
    test::client c{site};
    auto r = c.get("/.well-known/jwks.json");
    CHECK(r.status() == 200);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("Cache-Control") == "public, max-age=3600");
    CHECK(r.body() == keys.jwks());
    auto k = r.json().at("keys").at(0).as_object();
    CHECK(k.at("kty") == "OKP");
    CHECK_FALSE(k.contains("d"));
    auto cached = c.get("/.well-known/jwks.json", {{"If-None-Match", r.header("ETag")}});
    CHECK(cached.status() == 304);
    CHECK(cached.body().empty());
    // An HMAC service publishes no key at all.
    auto hs = app<route<"/jwks/", jwt::jwks_view>>(db, test_settings(), jwt::key_service::hs256(secret));
    test::client h{hs};
    CHECK(h.get("/jwks/").body() == R"({"keys":[]})");
}

TEST_CASE("key rotation end to end: a token of the old kid is accepted after the switch and refused once it is removed",
          "[jwt_auth][jwks][rotation]") {
    memory_store db;
    seed(db);
    auto pem_of = [](EVP_PKEY* pkey) {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        std::string pem(data, static_cast<std::size_t>(n));
        BIO_free(bio);
        EVP_PKEY_free(pkey);
        return pem;
    };
    const jwt::key old_key = jwt::key::from_pem(jwt::algorithm::es256, pem_of(EVP_EC_gen("P-256")));
    const jwt::key new_key = jwt::key::from_pem(jwt::algorithm::eddsa, pem_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
    std::string old_kid, new_kid;
    REQUIRE_FALSE(old_key.thumbprint(old_kid));
    REQUIRE_FALSE(new_key.thumbprint(new_kid));
    auto make = [&](jwt::key_service keys) {
        return app<defaults<parsers<json_parser>>, route<"/api/token/", jwt::token_obtain_pair>,
                   route<"/api/jwt/profile/", profile_api>, route<"/.well-known/jwks.json", jwt::jwks_view>>(
            db, test_settings(), std::move(keys));
    };
    auto kids = [](auto& site) {
        test::client c{site};
        std::vector<std::string> out;
        const auto doc = c.get("/.well-known/jwks.json").json();   // kept: the loop reads into it
        for (const auto& k : doc.at("keys").as_array()) out.emplace_back(k.at("kid").as_string());
        return out;
    };

    // 1. The next key is published before it signs.
    auto step1 = make(jwt::key_service::from_keys(refsite_jwt(), old_key, {new_key}));
    CHECK(kids(step1) == std::vector<std::string>{old_kid, new_kid});
    test::client c1{step1};
    const std::string under_old = obtain(c1, "alice").access;
    CHECK(c1.get("/api/jwt/profile/", {{"Authorization", bearer(under_old)}}).status() == 200);

    // 2. Signing switches to the new key; the old kid still verifies.
    auto step2 = make(jwt::key_service::from_keys(refsite_jwt(), new_key, {old_key}));
    CHECK(kids(step2) == std::vector<std::string>{new_kid, old_kid});
    test::client c2{step2};
    const std::string under_new = obtain(c2, "bob").access;
    CHECK(c2.get("/api/jwt/profile/", {{"Authorization", bearer(under_old)}}).status() == 200);
    CHECK(c2.get("/api/jwt/profile/", {{"Authorization", bearer(under_new)}}).status() == 200);

    // 3. The old key is removed: its tokens are refused, the new ones still work.
    auto step3 = make(jwt::key_service::from_keys(refsite_jwt(), new_key));
    CHECK(kids(step3) == std::vector<std::string>{new_kid});
    test::client c3{step3};
    auto refused = c3.get("/api/jwt/profile/", {{"Authorization", bearer(under_old)}});
    CHECK(refused.status() == 401);
    CHECK(refused.json().at("detail") == "Given token not valid for any token type");
    CHECK(c3.get("/api/jwt/profile/", {{"Authorization", bearer(under_new)}}).status() == 200);
}

TEST_CASE("the cookie obtain view is throttled in the login scope", "[jwt_auth][cookies]") {
    memory_store db;
    seed(db);
    auto s = test_settings();
    s.throttle_rates["login"] = "2/minute";
    auto site = app<route<"/api/token/cookie/", jwt::cookie_token_obtain>>(db, s, jwt::key_service::hs256(secret, refsite_jwt()));
    site.clock().freeze(at(t0));
    test::client c{site};
    CHECK(c.post("/api/token/cookie/", R"({"username":"alice","password":"wrong"})").status() == 401);
    CHECK(c.post("/api/token/cookie/", credentials("alice")).status() == 200);
    auto refused = c.post("/api/token/cookie/", credentials("alice"));
    CHECK(refused.status() == 429);
    CHECK_FALSE(refused.header("Retry-After").empty());
    CHECK(set_cookie(refused, "access_token").empty());
}
