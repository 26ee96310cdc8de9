#include "support.hpp"

#include <set>

using namespace warden;

TEST_CASE("obtain_auth_token takes JSON, form and multipart bodies", "[auth][obtain]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto j = c.post("/api/token-auth/", R"({"username":"alice","password":"alice-pass"})");
    CHECK(j.status() == 200);
    auto f = c.post_form("/api/token-auth/", "username=alice&password=alice-pass");
    CHECK(f.status() == 200);
    std::string mp = "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
                     "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nalice-pass\r\n--b--\r\n";
    auto m = c.send(http::verb::post, "/api/token-auth/", mp, "multipart/form-data; boundary=b");
    CHECK(m.status() == 200);
    std::set<std::string> keys;
    for (auto* r : {&j, &f, &m}) {
        auto key = std::string(r->json().at("token").as_string());
        CHECK(token::is_well_formed_key(key));
        keys.insert(key);
        CHECK(c.get("/api/profile/", {{"Authorization", "Token " + key}}).status() == 200);
    }
    CHECK(keys.size() == 3);   // a new token per call
}

TEST_CASE("obtain_auth_token reports DRF's field and credential errors", "[auth][obtain]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    struct expectation { std::string body; std::string json; };
    for (auto& [body, json] : std::vector<expectation>{
             {R"({})", R"({"username":["This field is required."],"password":["This field is required."]})"},
             {R"({"username":"alice"})", R"({"password":["This field is required."]})"},
             {R"({"username":"  ","password":""})", R"({"username":["This field may not be blank."],"password":["This field may not be blank."]})"},
             {R"({"username":null,"password":true})", R"({"username":["This field may not be null."],"password":["Not a valid string."]})"},
             {R"({"username":"a\u0000b","password":"x"})", R"({"username":["Null characters are not allowed."]})"},
             {R"({"username":"alice","password":"wrong"})", R"({"non_field_errors":["Unable to log in with provided credentials."]})"},
             {R"({"username":"nobody","password":"x"})", R"({"non_field_errors":["Unable to log in with provided credentials."]})"},
             {R"({"username":"dave","password":"dave-pass"})", R"({"non_field_errors":["Unable to log in with provided credentials."]})"},
             {R"({"username":" alice ","password":"alice-pass"})", R"({"token":"?"})"},
         }) {
        auto r = c.post("/api/token-auth/", body);
        if (json == R"({"token":"?"})") {   // the username is trimmed, the password is not
            CHECK(r.status() == 200);
            continue;
        }
        CHECK(r.status() == 400);
        CHECK(r.json() == boost::json::parse(json));
    }
    auto bad = c.post("/api/token-auth/", "{bad");
    CHECK(bad.status() == 400);
    CHECK(bad.detail().starts_with("JSON parse error - "));
    auto text = c.send(http::verb::post, "/api/token-auth/", "x", "text/plain");
    CHECK(text.status() == 415);
    CHECK(text.detail() == "Unsupported media type \"text/plain\" in request.");
}

TEST_CASE("obtain_auth_token allows POST only", "[auth][obtain]") {
    memory_store db;
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto r = c.get("/api/token-auth/");
    CHECK(r.status() == 405);
    CHECK(r.detail() == "Method \"GET\" not allowed.");
    CHECK(r.header("Allow") == "POST, OPTIONS");
    CHECK(c.options("/api/token-auth/").json().at("parses").as_array().size() == 3);
}

TEST_CASE("a user holds at most token.max_per_user tokens (10 by default): obtaining more revokes the oldest", "[auth][obtain][limits]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    CHECK(site.settings().token.max_per_user == 10);
    std::vector<std::string> keys;
    for (int i = 0; i < 13; ++i) keys.push_back(fixtures::obtain(site, "alice"));
    test::client c{site};
    for (int i = 0; i < 13; ++i) {
        INFO(i);
        auto r = c.get("/api/profile/", {{"Authorization", "Token " + keys[static_cast<std::size_t>(i)]}});
        CHECK(r.status() == (i < 3 ? 401 : 200));
    }
    CHECK(db.user_tokens(db.find_user_by_username("alice")->id).size() == 10);
    CHECK(db.user_tokens(db.find_user_by_username("bob")->id).empty());
}

TEST_CASE("obtain_auth_token is throttled under the scope \"login\", 60 a minute per client by default", "[auth][obtain][throttle]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}});
    test::client c{site};
    for (int i = 0; i < 60; ++i) {
        auto r = c.post("/api/token-auth/", R"({"username":"alice","password":"wrong"})");
        REQUIRE(r.status() == 400);
    }
    auto refused = c.post("/api/token-auth/", R"({"username":"alice","password":"alice-pass"})");
    CHECK(refused.status() == 429);
    CHECK(refused.header("Retry-After") == "60");
    CHECK(refused.detail() == "Request was throttled. Expected available in 60 seconds.");
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'061}});   // the window has moved on
    CHECK(c.post("/api/token-auth/", R"({"username":"alice","password":"alice-pass"})").status() == 200);

    auto s = fixtures::test_settings();
    s.throttle_rates["login"] = "none";   // switched off, as DRF's None
    memory_store db2;
    fixtures::seed(db2);
    auto open = fixtures::make_site(db2, s);
    test::client o{open};
    for (int i = 0; i < 70; ++i) REQUIRE(o.post("/api/token-auth/", R"({"username":"alice","password":"wrong"})").status() == 400);
}

TEST_CASE("logout_token revokes the presented token and only it", "[auth][logout]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    auto first = fixtures::obtain(site, "alice");
    auto second = fixtures::obtain(site, "alice");
    test::client c{site};
    auto r = c.post("/api/token-auth/logout/", "", {{"Authorization", "Token " + first}});
    CHECK(r.status() == 204);
    CHECK(r.body().empty());
    auto gone = c.get("/api/profile/", {{"Authorization", "Token " + first}});
    CHECK(gone.status() == 401);
    CHECK(gone.detail() == "Invalid token.");
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + second}}).status() == 200);
    auto again = c.post("/api/token-auth/logout/", "", {{"Authorization", "Token " + first}});
    CHECK(again.status() == 401);
    auto none = c.post("/api/token-auth/logout/", "");
    CHECK(none.status() == 401);
    CHECK(none.header("WWW-Authenticate") == "Token");
    CHECK(c.get("/api/token-auth/logout/", {{"Authorization", "Token " + second}}).status() == 405);
}

TEST_CASE("logout_all ends every token, session and JWT refresh token of the user, and no one else's", "[auth][logout]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    const auto alice = db.find_user_by_username("alice")->id;
    const auto bob = db.find_user_by_username("bob")->id;
    auto a1 = fixtures::obtain(site, "alice");
    auto a2 = fixtures::obtain(site, "alice");
    auto b1 = fixtures::obtain(site, "bob");
    const std::int64_t now = site.clock().now_seconds();
    for (auto [key, owner] : {std::pair{"a0000000000000000000000000000000", alice}, std::pair{"b0000000000000000000000000000000", bob}}) {
        session_record rec;
        rec.key = key;
        rec.user_id = owner;
        rec.expires_at = now + 3600;
        REQUIRE_FALSE(db.create_session(rec));
        REQUIRE_FALSE(db.add_outstanding({std::string("jti-") + key, owner, now, now + 3600}));
    }
    test::client c{site};
    auto r = c.post("/api/token-auth/logout-all/", "", {{"Authorization", "Token " + a1}});
    CHECK(r.status() == 204);
    for (auto& k : {a1, a2}) CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k}}).status() == 401);
    CHECK(db.user_tokens(alice).empty());
    CHECK_FALSE(db.load_session("a0000000000000000000000000000000", now));
    CHECK(db.is_blacklisted("jti-a0000000000000000000000000000000"));
    // Bob keeps everything.
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + b1}}).status() == 200);
    CHECK(db.load_session("b0000000000000000000000000000000", now));
    CHECK_FALSE(db.is_blacklisted("jti-b0000000000000000000000000000000"));
}
