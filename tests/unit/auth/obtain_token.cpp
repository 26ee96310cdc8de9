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
