// login_page and logout_page: the HTML form, CSRF on every POST, Django's messages,
// the redirect to a safe `next` only, escaping, and the headers of every answer.
#include "support.hpp"

#include <warden/session/pages.hpp>

#include <regex>

using namespace warden;
using session_test::set_cookie;

namespace {

template <class Store>
auto make_pages(Store& db, settings s = session_test::test_settings()) {
    return app<defaults<parsers<json_parser, form_parser>, authentication<session_auth>>,
               route<"/api-auth/login/", login_page>, route<"/api-auth/logout/", logout_page>,
               route<"/api/dashboard/", session_test::dashboard_api>, route<"/api/notes/", session_test::notes_api>>(
        db, std::move(s));
}

// The value of the hidden csrfmiddlewaretoken field of a page.
std::string form_token(const std::string& page) {
    std::smatch m;
    REQUIRE(std::regex_search(page, m, std::regex(R"re(name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})")re")));
    return m[1];
}

// Percent-encodes a form value.
std::string enc(std::string_view v) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : v) {
        auto b = static_cast<unsigned char>(c);
        if (std::isalnum(b) || c == '-' || c == '_' || c == '.') out.push_back(c);
        else out.append({'%', hex[b >> 4], hex[b & 15]});
    }
    return out;
}

template <class Client>
test::result post_login(Client& c, std::string_view user, std::string_view password, std::string_view extra = {},
                        std::string_view target = "/api-auth/login/") {
    auto page = c.get(target);
    REQUIRE(page.status() == 200);
    std::string body = "csrfmiddlewaretoken=" + form_token(page.body()) + "&username=" + enc(user) +
                       "&password=" + enc(password);
    if (!extra.empty()) body.append("&").append(extra);
    return c.post_form(target, body);
}

void check_page_headers(const test::result& r) {
    CHECK(r.header("Cache-Control").find("no-store") != std::string::npos);
    CHECK(r.header("X-Frame-Options") == "DENY");
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    const std::string csp = r.header("Content-Security-Policy");
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("script-src") == std::string::npos);   // no script allowed at all
    CHECK(csp.find("unsafe-inline") == std::string::npos);
}

} // namespace

TEST_CASE("the login page renders an accessible form with the CSRF field and sets the CSRF cookie", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    auto r = c.get("/api-auth/login/?next=/notes/");
    REQUIRE(r.status() == 200);
    CHECK(r.header("Content-Type") == "text/html; charset=utf-8");
    check_page_headers(r);
    const std::string& page = r.body();
    CHECK(page.find("<html lang=\"en\">") != std::string::npos);
    CHECK(page.find("<label for=\"id_username\">Username</label>") != std::string::npos);
    CHECK(page.find("<label for=\"id_password\">Password</label>") != std::string::npos);
    CHECK(page.find("name=\"username\" id=\"id_username\"") != std::string::npos);
    CHECK(page.find("type=\"password\" name=\"password\" id=\"id_password\" autocomplete=\"current-password\"") !=
          std::string::npos);
    CHECK(page.find("<input type=\"hidden\" name=\"next\" value=\"/notes/\">") != std::string::npos);
    CHECK(page.find("<form method=\"post\" action=\"/api-auth/login/\">") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
    const std::string token = form_token(page);
    REQUIRE(c.cookies().count("csrftoken"));
    CHECK(csrf::tokens_match(token, c.cookies().at("csrftoken")));
    CHECK(token != c.cookies().at("csrftoken"));   // a fresh mask for the page

    // The page's one inline style is the one the policy allows by its hash.
    auto start = page.find("<style>") + 7;
    auto style = page.substr(start, page.find("</style>") - start);
    auto d = crypto::sha256(style);
    auto hash = crypto::base64_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
    CHECK(r.header("Content-Security-Policy").find("style-src 'sha256-" + hash + "'") != std::string::npos);

    // A second visit keeps the cookie's secret (Django's get_token) and masks it anew.
    auto again = c.get("/api-auth/login/");
    CHECK(csrf::tokens_match(form_token(again.body()), token));
    CHECK(form_token(again.body()) != token);
    CHECK(again.body().find("name=\"next\"") == std::string::npos);
}

TEST_CASE("the login page answers HEAD and any Accept, as Django's views do", "[session][pages]") {
    memory_store db;
    auto site = make_pages(db);
    test::client c{site};
    CHECK(c.get("/api-auth/login/", {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}}).status() == 200);
    auto r = c.get("/api-auth/login/", {{"Accept", "application/json"}});
    CHECK(r.status() == 200);
    CHECK(r.header("Content-Type") == "text/html; charset=utf-8");
    auto h = c.head("/api-auth/login/");
    CHECK(h.status() == 200);
    CHECK(h.body().empty());
}

TEST_CASE("a login through the form starts a session and redirects to next", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    const std::string csrf_before = (c.get("/api-auth/login/"), c.cookies().at("csrftoken"));
    auto r = post_login(c, "alice", "alice-pass", "next=%2Fnotes%2F%3Fpage%3D2");
    REQUIRE(r.status() == 302);
    CHECK(r.header("Location") == "/notes/?page=2");
    CHECK(r.body().empty());
    check_page_headers(r);
    CHECK(session::is_valid_key(c.cookies().at("sessionid")));
    CHECK(set_cookie(r, "sessionid").find("HttpOnly") != std::string::npos);
    CHECK_FALSE(csrf::tokens_match(c.cookies().at("csrftoken"), csrf_before));   // rotated at login
    auto d = c.get("/api/dashboard/");
    CHECK(d.status() == 200);
    CHECK(d.json() == boost::json::parse(R"({"message":"Hello alice, welcome to your dashboard"})"));
}

TEST_CASE("without next a login goes to settings.login.redirect_url", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto s = session_test::test_settings();
    CHECK(s.login.redirect_url == "/");
    s.login.redirect_url = "/home/";
    auto site = make_pages(db, s);
    test::client c{site};
    auto r = post_login(c, "bob", "bob-pass");
    REQUIRE(r.status() == 302);
    CHECK(r.header("Location") == "/home/");
}

TEST_CASE("the login page never redirects off the site", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    for (std::string_view next : {"//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "https:evil.com",
                                  "http://evil.com/", "https://localhost@evil.com", "javascript:alert(1)",
                                  "/\t/evil.com", " //evil.com", "\x01//evil.com"}) {
        INFO(next);
        test::client c{site};
        // In the query string (decoded once, as Django decodes it) ...
        auto page = c.get("/api-auth/login/?next=" + enc(next));
        CHECK(page.body().find("name=\"next\"") == std::string::npos);
        // ... and posted in the form.
        auto r = post_login(c, "alice", "alice-pass", "next=" + enc(next));
        REQUIRE(r.status() == 302);
        CHECK(r.header("Location") == "/");
    }
    // The same host, absolute, is allowed (Django's allowed_hosts = {request.get_host()}).
    test::client c{site};
    auto r = post_login(c, "alice", "alice-pass", "next=" + enc("http://localhost/notes/"));
    CHECK(r.header("Location") == "http://localhost/notes/");
    // A query-string next is kept when the form posts none.
    test::client q{site};
    auto rq = post_login(q, "alice", "alice-pass", {}, "/api-auth/login/?next=/x/");
    CHECK(rq.header("Location") == "/x/");
}

TEST_CASE("wrong credentials re-render the form with Django's message, escaped", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    for (auto [user, pass] : {std::pair{"alice", "wrong"}, std::pair{"nobody", "x"}, std::pair{"dave", "dave-pass"}}) {
        auto r = post_login(c, user, pass, "next=/notes/");
        CHECK(r.status() == 200);
        CHECK(r.header("Content-Type") == "text/html; charset=utf-8");
        check_page_headers(r);
        CHECK(r.body().find("<div class=\"errors\" role=\"alert\" id=\"login-errors\">\n<p>Please enter a correct username "
                            "and password. Note that both fields may be case-sensitive.</p>") != std::string::npos);
        CHECK(r.body().find("value=\"" + std::string(user) + "\"") != std::string::npos);   // the username, kept
        CHECK(r.body().find("name=\"next\" value=\"/notes/\"") != std::string::npos);
        CHECK_FALSE(c.cookies().count("sessionid"));
    }
    auto x = post_login(c, "<script>alert('x')</script>\"", "x");
    CHECK(x.status() == 200);
    CHECK(x.body().find("<script>") == std::string::npos);
    CHECK(x.body().find("value=\"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;\"") != std::string::npos);
    CHECK(c.get("/api/dashboard/").status() == 403);
}

TEST_CASE("a blank field is required, a long username too long, and nothing is checked then", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    auto r = post_login(c, "   ", "");
    CHECK(r.status() == 200);
    CHECK(r.body().find("<span class=\"error\" id=\"id_username_error\">This field is required.</span>") != std::string::npos);
    CHECK(r.body().find("<span class=\"error\" id=\"id_password_error\">This field is required.</span>") != std::string::npos);
    CHECK(r.body().find("aria-invalid=\"true\" aria-describedby=\"id_username_error\"") != std::string::npos);
    CHECK(r.body().find("Please enter a correct") == std::string::npos);
    auto l = post_login(c, std::string(151, 'a'), "x");
    CHECK(l.body().find("Ensure this value has at most 150 characters (it has 151).") != std::string::npos);
    // Django strips the username: " alice " logs in as alice.
    auto ok = post_login(c, " alice ", "alice-pass");
    CHECK(ok.status() == 302);
}

TEST_CASE("a login POST must pass the CSRF checks, anonymous as it is", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    // No cookie at all.
    auto r = c.post_form("/api-auth/login/", "username=alice&password=alice-pass");
    CHECK(r.status() == 403);
    CHECK(r.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(r.body().find("<h1>Forbidden (403)</h1>") != std::string::npos);
    CHECK(r.body().find("CSRF Failed: CSRF cookie not set.") != std::string::npos);
    check_page_headers(r);
    CHECK_FALSE(c.cookies().count("sessionid"));
    // A cookie but no token.
    (void)c.get("/api-auth/login/");
    r = c.post_form("/api-auth/login/", "username=alice&password=alice-pass");
    CHECK(r.status() == 403);
    CHECK(r.body().find("CSRF Failed: CSRF token missing or incorrect.") != std::string::npos);
    // A token of another secret.
    r = c.post_form("/api-auth/login/", "username=alice&password=alice-pass&csrfmiddlewaretoken=" + csrf::new_token());
    CHECK(r.status() == 403);
    // The header works as well as the field.
    r = c.post_form("/api-auth/login/", "username=alice&password=alice-pass", {{"X-CSRFToken", c.cookies().at("csrftoken")}});
    CHECK(r.status() == 302);
}

TEST_CASE("over HTTPS the login page checks Origin and Referer", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site, "127.0.0.1", true};
    auto page = c.get("/api-auth/login/");
    CHECK(set_cookie(page, "csrftoken").find("; Secure") != std::string::npos);
    const std::string body = "csrfmiddlewaretoken=" + form_token(page.body()) + "&username=alice&password=alice-pass";
    auto foreign = c.post_form("/api-auth/login/", body, {{"Origin", "https://evil.example"}});
    CHECK(foreign.status() == 403);
    CHECK(foreign.body().find("Origin checking failed - https://evil.example does not match any trusted origins.") !=
          std::string::npos);
    auto no_referer = c.post_form("/api-auth/login/", body);
    CHECK(no_referer.status() == 403);
    auto ok = c.post_form("/api-auth/login/", body, {{"Origin", "https://localhost"}});
    CHECK(ok.status() == 302);
    CHECK(set_cookie(ok, "sessionid").find("; Secure") != std::string::npos);
    // Over TLS an http next is off the site's scheme.
    auto p2 = c.get("/api-auth/login/");
    auto r = c.post_form("/api-auth/login/",
                         "csrfmiddlewaretoken=" + form_token(p2.body()) + "&username=alice&password=alice-pass&next=" +
                             enc("http://localhost/x/"),
                         {{"Origin", "https://localhost"}});
    CHECK(r.header("Location") == "/");
}

TEST_CASE("basic_login_page<always> checks Origin over plain HTTP too", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = app<route<"/login/", basic_login_page<csrf_origin_check::always>>>(db, session_test::test_settings());
    test::client c{site};
    auto page = c.get("/login/");
    const std::string body = "csrfmiddlewaretoken=" + form_token(page.body()) + "&username=alice&password=alice-pass";
    CHECK(c.post_form("/login/", body, {{"Origin", "http://127.0.0.1:9999"}}).status() == 403);
    CHECK(c.post_form("/login/", body, {{"Origin", "http://localhost"}}).status() == 302);
}

TEST_CASE("the logout page asks on GET and logs out on POST with the CSRF token", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto site = make_pages(db);
    test::client c{site};
    REQUIRE(post_login(c, "alice", "alice-pass").status() == 302);
    const std::string sid = c.cookies().at("sessionid");

    auto ask = c.get("/api-auth/logout/?next=/bye/");
    CHECK(ask.status() == 200);
    check_page_headers(ask);
    CHECK(ask.body().find("<button type=\"submit\">Log out</button>") != std::string::npos);
    CHECK(ask.body().find("name=\"next\" value=\"/bye/\"") != std::string::npos);
    CHECK(c.get("/api/dashboard/").status() == 200);   // a GET never logs out

    auto refused = c.post_form("/api-auth/logout/", "");
    CHECK(refused.status() == 403);
    CHECK(c.get("/api/dashboard/").status() == 200);

    auto r = c.post_form("/api-auth/logout/", "csrfmiddlewaretoken=" + form_token(ask.body()) + "&next=%2Fbye%2F");
    REQUIRE(r.status() == 302);
    CHECK(r.header("Location") == "/bye/");
    check_page_headers(r);
    CHECK(session_test::is_deletion(set_cookie(r, "sessionid")));
    CHECK_FALSE(db.load_session(sid, site.clock().now_seconds()));
    CHECK(c.get("/api/dashboard/").status() == 403);
    // The old session id, replayed, is dead.
    CHECK(c.get("/api/dashboard/", {{"Cookie", "sessionid=" + sid}}).status() == 403);
}

TEST_CASE("a logout through the header goes to settings.login.logout_redirect_url, never off the site", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto s = session_test::test_settings();
    s.login.logout_redirect_url = "/api-auth/login/";
    auto site = make_pages(db, s);
    test::client c{site};
    REQUIRE(post_login(c, "carol", "carol-pass").status() == 302);
    auto r = c.send(http::verb::post, "/api-auth/logout/?next=//evil.com", {}, {}, {{"X-CSRFToken", c.cookies().at("csrftoken")}});
    REQUIRE(r.status() == 302);
    CHECK(r.header("Location") == "/api-auth/login/");
    CHECK(c.get("/api/dashboard/").status() == 403);
    // Logging out without a session is harmless.
    auto again = c.send(http::verb::post, "/api-auth/logout/", {}, {}, {{"X-CSRFToken", c.cookies().at("csrftoken")}});
    CHECK(again.status() == 302);
}

TEST_CASE("errors of the pages are pages too, escaped and under the same headers", "[session][pages]") {
    memory_store db;
    auto site = make_pages(db);
    test::client c{site};
    // An unsafe method is refused by CSRF first (authentication precedes the method, as in DRF).
    CHECK(c.put("/api-auth/login/", "{}").status() == 403);
    (void)c.get("/api-auth/login/");
    auto r = c.put("/api-auth/login/", "{}", {{"X-CSRFToken", c.cookies().at("csrftoken")}});
    CHECK(r.status() == 405);
    CHECK(r.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(r.body().find("<h1>Method Not Allowed (405)</h1>") != std::string::npos);
    CHECK(r.body().find("Method &quot;PUT&quot; not allowed.") != std::string::npos);
    check_page_headers(r);
    CHECK(r.header("Allow") == "GET, POST, HEAD, OPTIONS");
    // A JSON view of the same app still answers JSON.
    auto j = c.put("/api/dashboard/", "{}");
    CHECK(j.header("Content-Type") == "application/json");
}

TEST_CASE("the login page is throttled in the login scope and shows the 429 as a page", "[session][pages]") {
    memory_store db;
    session_test::seed(db);
    auto s = session_test::test_settings();
    s.throttle_rates["login"] = "3/minute";
    auto site = make_pages(db, s);
    site.clock().freeze(std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 20000));
    test::client c{site};
    auto page = c.get("/api-auth/login/");   // 1
    REQUIRE(page.status() == 200);
    const std::string body = "csrfmiddlewaretoken=" + form_token(page.body()) + "&username=alice&password=wrong";
    CHECK(c.post_form("/api-auth/login/", body).status() == 200);   // 2: the form again
    CHECK(c.post_form("/api-auth/login/", body).status() == 200);   // 3
    auto refused = c.post_form("/api-auth/login/", "csrfmiddlewaretoken=" + form_token(page.body()) +
                                                       "&username=alice&password=alice-pass");
    CHECK(refused.status() == 429);
    CHECK_FALSE(refused.header("Retry-After").empty());
    CHECK(refused.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(refused.header("X-Frame-Options") == "DENY");
    CHECK(refused.body().find("Request was throttled.") != std::string::npos);
    CHECK(refused.headers("Set-Cookie").empty());   // not logged in
}

TEST_CASE("an app with the login page and no login rate refuses to start, naming the scope", "[session][pages]") {
    memory_store db;
    auto s = session_test::test_settings();
    s.throttle_rates.clear();
    CHECK_THROWS_WITH(make_pages(db, s), Catch::Matchers::Contains("\"login\""));
}
