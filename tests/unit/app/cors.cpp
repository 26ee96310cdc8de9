// CORS as django-cors-headers answers: off by default, allowed origins and regexes,
// credentials, preflights with max-age, Vary: Origin, the URL filter, and the settings
// refused at start.
#include <warden.hpp>
#include <warden/test/client.hpp>

#include <support/users.hpp>

#include <catch2/catch.hpp>

using namespace warden;

namespace {

struct notes_api : api_view<authentication<session_auth>, permissions<is_authenticated_or_read_only>,
                            parsers<json_parser>> {
    response get(request&) { return json({{"notes", json_array({})}}); }
    response post(request&) { return json({{"created", true}}, http::status::created); }
};

struct page_view : api_view<> {
    response get(request&) { return json({{"page", true}}); }
};

settings cors_settings() {
    settings s = warden_test::test_settings();
    s.cors.allowed_origins = {"https://app.example.com", "http://127.0.0.1:9000"};
    s.cors.urls_regex = "^/api/.*$";
    return s;
}

template <class Store>
auto make_site(Store& db, settings s) {
    return app<route<"/api/notes/", notes_api>, route<"/page/", page_view>>(db, std::move(s));
}

} // namespace

TEST_CASE("CORS is off by default: no header, no preflight answer", "[app][cors]") {
    memory_store db;
    auto site = make_site(db, warden_test::test_settings());
    CHECK_FALSE(site.cors().enabled());
    test::client c{site};
    auto r = c.get("/api/notes/", {{"Origin", "https://app.example.com"}});
    CHECK(r.status() == 200);
    CHECK_FALSE(r.has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(r.has_header("Vary"));
    auto p = c.options("/api/notes/", {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(p.status() == 200);   // DRF's OPTIONS metadata, as without CORS
    CHECK(p.json().as_object().contains("name"));
    CHECK_FALSE(p.has_header("Access-Control-Allow-Methods"));
}

TEST_CASE("an allowed origin gets its origin back, and Vary: Origin is always added", "[app][cors]") {
    memory_store db;
    auto site = make_site(db, cors_settings());
    test::client c{site};
    auto r = c.get("/api/notes/", {{"Origin", "https://app.example.com"}});
    CHECK(r.status() == 200);
    CHECK(r.header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK_FALSE(r.has_header("Access-Control-Allow-Credentials"));
    CHECK_FALSE(r.has_header("Access-Control-Allow-Methods"));   // only on OPTIONS
    CHECK(r.header("Vary") == "Origin");

    auto other = c.get("/api/notes/", {{"Origin", "https://evil.example"}});
    CHECK(other.status() == 200);   // the request is served; the browser keeps the answer from the page
    CHECK_FALSE(other.has_header("Access-Control-Allow-Origin"));
    CHECK(other.header("Vary") == "Origin");

    auto none = c.get("/api/notes/");
    CHECK_FALSE(none.has_header("Access-Control-Allow-Origin"));
    CHECK(none.header("Vary") == "Origin");

    // Origins are compared by scheme and host[:port].
    for (const char* o : {"http://app.example.com", "https://app.example.com:443", "https://APP.example.com",
                          "http://127.0.0.1:9001", "http://127.0.0.1", "null", "https://app.example.com.evil.net"}) {
        INFO(o);
        CHECK_FALSE(c.get("/api/notes/", {{"Origin", o}}).has_header("Access-Control-Allow-Origin"));
    }
    CHECK(c.get("/api/notes/", {{"Origin", "http://127.0.0.1:9000"}}).header("Access-Control-Allow-Origin") ==
          "http://127.0.0.1:9000");
}

TEST_CASE("a preflight is answered before authentication with the allowed methods, headers and max-age", "[app][cors]") {
    memory_store db;
    auto s = cors_settings();
    s.cors.allow_credentials = true;
    s.cors.expose_headers = {"x-total"};
    auto site = make_site(db, s);
    test::client c{site};
    auto p = c.options("/api/notes/", {{"Origin", "https://app.example.com"},
                                       {"Access-Control-Request-Method", "POST"},
                                       {"Access-Control-Request-Headers", "content-type, x-csrftoken"},
                                       {"Cookie", "sessionid=not-a-session"}});
    CHECK(p.status() == 200);
    CHECK(p.body().empty());
    CHECK(p.header("Content-Length") == "0");
    CHECK_FALSE(p.has_header("Set-Cookie"));   // no authenticator ran
    CHECK_FALSE(p.has_header("Allow"));
    CHECK(p.header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(p.header("Access-Control-Allow-Credentials") == "true");
    CHECK(p.header("Access-Control-Allow-Methods") == "DELETE, GET, OPTIONS, PATCH, POST, PUT");
    CHECK(p.header("Access-Control-Allow-Headers") ==
          "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with");
    CHECK(p.header("Access-Control-Max-Age") == "86400");
    CHECK(p.header("Access-Control-Expose-Headers") == "x-total");
    CHECK(p.header("Vary") == "Origin");

    // A preflight from an origin that is not allowed is answered too, without the headers.
    auto bad = c.options("/api/notes/", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(bad.status() == 200);
    CHECK_FALSE(bad.has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(bad.has_header("Access-Control-Allow-Methods"));

    // A plain OPTIONS (no Access-Control-Request-Method) reaches the view.
    auto plain = c.options("/api/notes/", {{"Origin", "https://app.example.com"}});
    CHECK(plain.json().as_object().contains("name"));
    CHECK(plain.header("Access-Control-Allow-Methods") == "DELETE, GET, OPTIONS, PATCH, POST, PUT");

    // Errors carry the headers too, so the page can read them.
    auto refused = c.post("/api/notes/", "{}", {{"Origin", "https://app.example.com"}});
    CHECK(refused.status() == 403);
    CHECK(refused.header("Access-Control-Allow-Origin") == "https://app.example.com");
    auto missing = c.get("/api/nope/", {{"Origin", "https://app.example.com"}});
    CHECK(missing.status() == 404);
    CHECK(missing.header("Access-Control-Allow-Origin") == "https://app.example.com");
}

TEST_CASE("only paths matching urls_regex get CORS", "[app][cors]") {
    memory_store db;
    auto site = make_site(db, cors_settings());
    test::client c{site};
    auto r = c.get("/page/", {{"Origin", "https://app.example.com"}});
    CHECK_FALSE(r.has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(r.has_header("Vary"));
    auto p = c.options("/page/", {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"}});
    CHECK(p.json().as_object().contains("name"));   // not a CORS path: the view's OPTIONS
}

TEST_CASE("origin regexes match as re.match does; max-age 0 and private network as configured", "[app][cors]") {
    memory_store db;
    settings s = warden_test::test_settings();
    s.cors.allowed_origin_regexes = {R"(^https://\w+\.example\.com$)", R"(^http://localhost:\d+$)"};
    s.cors.preflight_max_age = 0;
    s.cors.allow_private_network = true;
    s.cors.allow_headers = {"content-type"};
    s.cors.allow_methods = {"GET", "POST"};
    auto site = make_site(db, s);
    test::client c{site};
    CHECK(c.get("/api/notes/", {{"Origin", "https://api.example.com"}}).header("Access-Control-Allow-Origin") ==
          "https://api.example.com");
    CHECK(c.get("/page/", {{"Origin", "http://localhost:3000"}}).header("Access-Control-Allow-Origin") ==
          "http://localhost:3000");   // urls_regex "^.*$" by default
    CHECK_FALSE(c.get("/api/notes/", {{"Origin", "https://api.example.com.evil"}}).has_header("Access-Control-Allow-Origin"));
    auto p = c.options("/api/notes/", {{"Origin", "http://localhost:3000"},
                                       {"Access-Control-Request-Method", "GET"},
                                       {"Access-Control-Request-Private-Network", "true"}});
    CHECK_FALSE(p.has_header("Access-Control-Max-Age"));
    CHECK(p.header("Access-Control-Allow-Private-Network") == "true");
    CHECK(p.header("Access-Control-Allow-Headers") == "content-type");
    CHECK(p.header("Access-Control-Allow-Methods") == "GET, POST");
}

TEST_CASE("all origins get * without credentials; null only when listed", "[app][cors]") {
    memory_store db;
    settings s = warden_test::test_settings();
    s.cors.allow_all_origins = true;
    auto site = make_site(db, s);
    test::client c{site};
    CHECK(c.get("/api/notes/", {{"Origin", "https://any.example"}}).header("Access-Control-Allow-Origin") == "*");

    settings n = warden_test::test_settings();
    n.cors.allowed_origins = {"null"};
    auto with_null = make_site(db, n);
    test::client cn{with_null};
    CHECK(cn.get("/api/notes/", {{"Origin", "null"}}).header("Access-Control-Allow-Origin") == "null");
    CHECK_FALSE(cn.get("/api/notes/", {{"Origin", "https://x.example"}}).has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(cn.get("/api/notes/", {{"Origin", "x"}}).has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("CORS settings that cannot work are refused at start with a message", "[app][cors]") {
    auto refused = [](auto change, std::string_view message) {
        settings s = warden_test::test_settings();
        change(s.cors);
        try {
            cors_policy p(s.cors);
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(message) != std::string::npos);
        }
    };
    refused([](auto& c) { c.allowed_origins = {"example.com"}; }, "is missing scheme or netloc");
    refused([](auto& c) { c.allowed_origins = {"https://example.com/app"}; }, "should not have a path");
    refused([](auto& c) { c.allowed_origins = {"https://example.com/"}; }, "should not have a path");
    refused([](auto& c) { c.allowed_origin_regexes = {"(?i)example"}; }, "settings.cors.allowed_origin_regexes");
    refused([](auto& c) { c.allowed_origins = {"https://a.example"}, c.urls_regex = "(api"; }, "settings.cors.urls_regex");
    refused([](auto& c) { c.allow_all_origins = c.allow_credentials = true; }, "allow_all_origins with allow_credentials");
    refused([](auto& c) { c.allowed_origins = {"https://a.example"}, c.preflight_max_age = -1; }, "preflight_max_age");
    // And the app refuses to start with them.
    memory_store db;
    settings s = warden_test::test_settings();
    s.cors.allowed_origins = {"example.com"};
    CHECK_THROWS_AS(make_site(db, s), std::invalid_argument);
}
