// session_auth's CSRF checks: which requests are checked, the token's forms and
// places, the cookie, and the HTTPS Origin/Referer checks.
#include "support.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace warden;
using session_test::csrf_detail;

namespace {

template <class Site>
struct logged_in {
    test::client<Site> c;
    std::string csrf;
    logged_in(Site& site, std::string_view user, bool secure = false) : c(site, "127.0.0.1", secure) {
        auto r = c.post("/api/login/", session_test::credentials(user));
        REQUIRE(r.status() == 200);
        csrf = c.cookies().at("csrftoken");
    }
};

std::string multipart(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string body;
    for (auto& [k, v] : fields)
        body.append("--B0undary\r\nContent-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n");
    body.append("--B0undary--\r\n");
    return body;
}

} // namespace

TEST_CASE("a session-authenticated unsafe request needs the token; safe methods do not", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};

    auto none = s.c.post("/api/notes/", R"({"text":"hi"})");
    CHECK(none.status() == 403);
    CHECK(none.detail() == csrf_detail("CSRF token missing or incorrect."));
    CHECK_FALSE(none.has_header("WWW-Authenticate"));   // a 403 even behind a token authenticator
    CHECK(s.c.post("/api/notes/", R"({"text":"hi"})", {{"X-CSRFToken", "wrongwrongwrongwrongwrongwrongwr"}}).status() == 403);
    auto ok = s.c.post("/api/notes/", R"({"text":"hi"})", {{"X-CSRFToken", s.csrf}});
    CHECK(ok.status() == 201);
    CHECK(ok.json() == boost::json::parse(R"({"created":"hi"})"));
    CHECK(s.c.post("/api/notes/", R"({"text":"hi"})", {{"x-csrftoken", s.csrf}}).status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"hi"})", {{"X-CSRF-Token", s.csrf}}).status() == 403);
    CHECK(s.c.del("/api/notes/").status() == 403);
    CHECK(s.c.del("/api/notes/", {{"X-CSRFToken", s.csrf}}).status() == 204);
    CHECK(s.c.put("/api/notes/", "{}").detail() == csrf_detail(csrf::reason_bad_token));   // CSRF before 405
    CHECK(s.c.put("/api/notes/", "{}", {{"X-CSRFToken", s.csrf}}).status() == 405);
    // Extension methods and lower-case spellings are unsafe too (Django upper-cases).
    CHECK(s.c.send(http::verb::unknown, "/api/notes/", "", "", {}, "PROPFIND").status() == 403);
    CHECK(s.c.send(http::verb::unknown, "/api/notes/", "", "", {}, "post").detail() == csrf_detail(csrf::reason_bad_token));

    CHECK(s.c.get("/api/notes/").status() == 200);
    CHECK(s.c.head("/api/notes/").status() == 200);
    CHECK(s.c.options("/api/notes/").status() == 200);
    CHECK(s.c.send(http::verb::trace, "/api/notes/", "", "").status() == 405);   // checked by no one: not allowed
}

TEST_CASE("token-authenticated and anonymous requests are not CSRF-checked", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client t{site};
    auto obtained = t.post("/api/token-auth/", session_test::credentials("carol"));
    REQUIRE(obtained.status() == 200);
    const std::string key(obtained.json().at("token").as_string());

    logged_in s{site, "alice"};
    // A token request beside alice's session: token first, carol, no CSRF.
    auto r = s.c.post("/api/notes/", R"({"text":"t"})", {{"Authorization", "Token " + key}});
    CHECK(r.status() == 201);
    // obtain_auth_token uses the app's default (session) authentication, as DRF: a
    // logged-in POST is checked, an anonymous one is not.
    CHECK(s.c.post("/api/token-auth/", session_test::credentials("alice")).detail() == csrf_detail(csrf::reason_bad_token));
    CHECK(t.post("/api/token-auth/", session_test::credentials("alice")).status() == 200);
    // Login itself has no authenticators: no check.
    CHECK(s.c.post("/api/login/", session_test::credentials("alice")).status() == 200);

    test::client anon{site};
    auto denied = anon.post("/api/notes/", R"({"text":"x"})");
    CHECK(denied.status() == 401);   // the first authenticator (token) has a challenge
    CHECK(denied.detail() == "Authentication credentials were not provided.");
}

TEST_CASE("masked, re-masked and bare-secret tokens are accepted; malformed ones are not", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    const std::string secret = csrf::unmask_token(s.csrf);
    REQUIRE(secret.size() == 32);
    const std::string remasked = csrf::mask_secret(secret);
    REQUIRE(remasked != s.csrf);
    for (const std::string& good : {s.csrf, remasked, secret}) {
        INFO(good);
        CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", good}}).status() == 201);
    }
    const std::string other = csrf::new_token();
    for (const std::string& bad : {s.csrf + "x", std::string(64, '!'), std::string("short"), std::string(),
                                   other, csrf::unmask_token(other), s.csrf.substr(0, 63) + "!"}) {
        INFO(bad);
        auto r = s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", bad}});
        CHECK(r.status() == 403);
        CHECK(r.detail() == csrf_detail(csrf::reason_bad_token));
    }
}

TEST_CASE("a cookie holding a bare 32-character secret still works, as in Django 3.2", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    const std::string secret = csrf::unmask_token(s.csrf);
    s.c.cookies()["csrftoken"] = secret;
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}}).status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", secret}}).status() == 201);
}

TEST_CASE("Django's own masked tokens of one secret match each other as cookie and header", "[session][csrf][django]") {
    const std::filesystem::path p = std::filesystem::path(WARDEN_SHARED_DIR) / "vectors/rfc_and_django_vectors.json";
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        WARN("skipping: " << p.string() << " is absent");
        return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const auto v = boost::json::parse(ss.str()).at("django_csrf");
    const std::string secret(v.at("TEST_SECRET").as_string());
    const auto& masked = v.at("masked_of_TEST_SECRET").as_array();
    REQUIRE(masked.size() >= 2);
    const std::string a(masked[0].as_string()), b(masked[1].as_string());

    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    s.c.cookies()["csrftoken"] = a;   // as Django would have set it
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", b}}).status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", secret}}).status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", csrf::mask_secret(secret)}}).status() == 201);
    s.c.cookies()["csrftoken"] = secret;
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", a}}).status() == 201);
    s.c.cookies()["csrftoken"] = csrf::new_token();
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", a}}).status() == 403);
}

TEST_CASE("the form field csrfmiddlewaretoken is read first, from form and multipart bodies only", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "bob"};
    CHECK(s.c.post_form("/api/notes/", "text=a&csrfmiddlewaretoken=" + s.csrf).status() == 201);
    CHECK(s.c.post_form("/api/notes/", "text=a&csrfmiddlewaretoken=wrongwrongwrongwrongwrongwrongwr").status() == 403);
    // A wrong field fails even beside a right header; an empty field falls back to it.
    CHECK(s.c.post_form("/api/notes/", "csrfmiddlewaretoken=wrongwrongwrongwrongwrongwrongwr", {{"X-CSRFToken", s.csrf}})
              .status() == 403);
    CHECK(s.c.post_form("/api/notes/", "csrfmiddlewaretoken=&text=a", {{"X-CSRFToken", s.csrf}}).status() == 201);
    // The last of repeated fields counts, as QueryDict.get.
    CHECK(s.c.post_form("/api/notes/", "csrfmiddlewaretoken=bad&csrfmiddlewaretoken=" + s.csrf).status() == 201);
    CHECK(s.c.post_form("/api/notes/", "csrfmiddlewaretoken=" + s.csrf + "&csrfmiddlewaretoken=bad").status() == 403);

    auto mp = s.c.send(http::verb::post, "/api/notes/", multipart({{"text", "m"}, {"csrfmiddlewaretoken", s.csrf}}),
                       "multipart/form-data; boundary=B0undary");
    CHECK(mp.status() == 201);
    CHECK(mp.json() == boost::json::parse(R"({"created":"m"})"));
    CHECK(s.c.send(http::verb::post, "/api/notes/", multipart({{"csrfmiddlewaretoken", "nope"}}),
                   "multipart/form-data; boundary=B0undary")
              .status() == 403);
    // A JSON body's field is not a form field.
    CHECK(s.c.post("/api/notes/", R"({"text":"x","csrfmiddlewaretoken":")" + s.csrf + "\"}").status() == 403);
    // Only POST reads the form: a PUT form with the field alone fails.
    CHECK(s.c.send(http::verb::put, "/api/notes/", "csrfmiddlewaretoken=" + s.csrf, "application/x-www-form-urlencoded")
              .status() == 403);
}

TEST_CASE("the CSRF cookie must be there and hold the same secret", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    const std::string sid = s.c.cookies().at("sessionid");

    auto missing = s.c.post("/api/notes/", R"({"text":"x"})", {{"Cookie", "sessionid=" + sid}, {"X-CSRFToken", s.csrf}});
    CHECK(missing.status() == 403);
    CHECK(missing.detail() == csrf_detail("CSRF cookie not set."));

    auto other = s.c.post("/api/notes/", R"({"text":"x"})",
                          {{"Cookie", "sessionid=" + sid + "; csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF"}, {"X-CSRFToken", s.csrf}});
    CHECK(other.detail() == csrf_detail("CSRF token missing or incorrect."));

    // A malformed cookie can match nothing, and a safe request leaves it alone.
    auto malformed = s.c.post("/api/notes/", R"({"text":"x"})",
                              {{"Cookie", "sessionid=" + sid + "; csrftoken=abc!"}, {"X-CSRFToken", "abcdefghijklmnopqrstuvwxyzABCDEF"}});
    CHECK(malformed.detail() == csrf_detail("CSRF token missing or incorrect."));
    CHECK(s.c.get("/api/notes/", {{"Cookie", "sessionid=" + sid + "; csrftoken=abc!"}}).headers("Set-Cookie").empty());

    // A new login rotates the secret: the old token stops working.
    const std::string old = s.csrf;
    session_test::login(s.c, "carol");
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", old}}).status() == 403);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.c.cookies().at("csrftoken")}}).status() == 201);
}

TEST_CASE("over HTTPS a request without Origin needs an https Referer on this host", "[session][csrf][https]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice", true};
    auto post = [&](std::string_view referer) {
        return s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Referer", referer}});
    };
    auto no_referer = s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}});
    CHECK(no_referer.status() == 403);
    CHECK(no_referer.detail() == csrf_detail("Referer checking failed - no Referer."));
    CHECK(post("not a url").detail() == csrf_detail("Referer checking failed - Referer is malformed."));
    CHECK(post("http://localhost/page").detail() ==
          csrf_detail("Referer checking failed - Referer is insecure while host is secure."));
    CHECK(post("https://evil.example/page?x=1").detail() ==
          csrf_detail("Referer checking failed - https://evil.example/page?x=1 does not match any trusted origins."));
    CHECK(post("https://localhost.evil.example/").status() == 403);
    CHECK(post("https://localhost/page").status() == 201);
    CHECK(post("https://TESTSERVER/page").status() == 403);   // Django compares the netloc as sent
    // The token is still required when the Referer is good.
    auto no_token = s.c.post("/api/notes/", R"({"text":"x"})", {{"Referer", "https://localhost/"}});
    CHECK(no_token.detail() == csrf_detail(csrf::reason_bad_token));
}

TEST_CASE("over HTTPS an Origin header must be this site's or trusted, and replaces the Referer check", "[session][csrf][https]") {
    memory_store db;
    session_test::seed(db);
    settings cfg = session_test::test_settings();
    cfg.csrf.trusted_origins = {"https://*.trusted.example", "https://partner.example:8443"};
    auto site = session_test::make_site(db, cfg);
    logged_in s{site, "alice", true};
    auto with_origin = [&](std::string_view origin) {
        return s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Origin", origin}});
    };
    CHECK(with_origin("https://localhost").status() == 201);   // no Referer needed
    CHECK(with_origin("https://api.trusted.example").status() == 201);
    CHECK(with_origin("https://trusted.example").status() == 201);
    CHECK(with_origin("https://partner.example:8443").status() == 201);
    CHECK(with_origin("https://evil.example").detail() ==
          csrf_detail("Origin checking failed - https://evil.example does not match any trusted origins."));
    CHECK(with_origin("http://localhost").status() == 403);   // insecure origin
    CHECK(with_origin("https://partner.example").status() == 403);
    CHECK(with_origin("null").detail() == csrf_detail("Origin checking failed - null does not match any trusted origins."));
    // A bad Origin fails even beside a good Referer.
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})",
                   {{"X-CSRFToken", s.csrf}, {"Origin", "https://evil.example"}, {"Referer", "https://localhost/"}})
              .status() == 403);
    // Trusted origins admit Referers too (the host part, as Django 3.2's CSRF_TRUSTED_ORIGINS).
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Referer", "https://a.trusted.example/x"}})
              .status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Referer", "https://partner.example/x"}})
              .status() == 403);
}

TEST_CASE("over plain HTTP the default checks Origin as Django 4.0 does, and ignores Referer as Django 3.2", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    auto r = s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Origin", "https://elsewhere.example"}});
    CHECK(r.status() == 403);
    CHECK(r.detail() == csrf_detail("Origin checking failed - https://elsewhere.example does not match any trusted origins."));
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Origin", "http://localhost"}}).status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Origin", "https://localhost"}}).status() == 403);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}, {"Referer", "https://elsewhere.example/"}})
              .status() == 201);
    CHECK(s.c.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", s.csrf}}).status() == 201);
}

TEST_CASE("behind a TLS proxy, settings.secure_proxy_ssl_header makes its HTTPS requests secure", "[session][csrf][https]") {
    memory_store db;
    session_test::seed(db);
    settings cfg = session_test::test_settings();
    cfg.secure_proxy_ssl_header = {"X-Forwarded-Proto", "https"};
    auto site = session_test::make_site(db, cfg);
    logged_in s{site, "alice"};   // plain HTTP to warden
    const std::string body = R"({"text":"x"})";
    auto post = [&](test::header_args h) { return s.c.post("/api/notes/", body, h); };
    const std::string t = s.csrf;
    // The browser saw https://localhost; the proxy says so.
    CHECK(post({{"X-CSRFToken", t}, {"Origin", "https://localhost"}, {"X-Forwarded-Proto", "https"}}).status() == 201);
    CHECK(post({{"X-CSRFToken", t}, {"Origin", "https://localhost"}}).status() == 403);
    CHECK(post({{"X-CSRFToken", t}, {"Origin", "https://localhost"}, {"X-Forwarded-Proto", "http"}}).status() == 403);
    // Secure requests need a Referer when no Origin is sent, as Django over HTTPS.
    CHECK(post({{"X-CSRFToken", t}, {"X-Forwarded-Proto", "https"}}).detail() == csrf_detail(csrf::reason_no_referer));
    CHECK(post({{"X-CSRFToken", t}, {"X-Forwarded-Proto", "https"}, {"Referer", "https://localhost/page"}}).status() == 201);
}

TEST_CASE("the Origin policy can follow Django 4.0 everywhere, HTTPS only, or Django 3.2 exactly", "[session][csrf][https]") {
    memory_store db;
    session_test::seed(db);
    {
        auto site = session_test::make_site<basic_session_auth<csrf_origin_check::https_only>>(db);
        logged_in s{site, "alice"};   // plain HTTP: Origin ignored
        CHECK(s.c.post("/api/echo/", "{}", {{"X-CSRFToken", s.csrf}, {"Origin", "https://elsewhere.example"}}).status() ==
              201);
    }
    {
        auto site = session_test::make_site<basic_session_auth<csrf_origin_check::always>>(db);
        logged_in s{site, "alice"};
        CHECK(s.c.post("/api/echo/", "{}", {{"X-CSRFToken", s.csrf}, {"Origin", "https://elsewhere.example"}})
                  .detail() == csrf_detail("Origin checking failed - https://elsewhere.example does not match any trusted origins."));
        CHECK(s.c.post("/api/echo/", "{}", {{"X-CSRFToken", s.csrf}, {"Origin", "http://localhost"}}).status() ==
              201);
    }
    {
        auto site = session_test::make_site<basic_session_auth<csrf_origin_check::never>>(db);
        logged_in s{site, "alice", true};
        // Origin is ignored: the Referer decides, as in Django 3.2.
        CHECK(s.c.post("/api/echo/", "{}", {{"X-CSRFToken", s.csrf}, {"Origin", "https://localhost"}}).detail() ==
              csrf_detail(csrf::reason_no_referer));
        CHECK(s.c.post("/api/echo/", "{}",
                       {{"X-CSRFToken", s.csrf}, {"Origin", "https://evil.example"}, {"Referer", "https://localhost/"}})
                  .status() == 201);
    }
}

TEST_CASE("a cross-site POST riding a valid session without the token is refused", "[session][csrf]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    for (bool tls : {false, true}) {
        INFO("tls " << tls);
        logged_in s{site, "alice", tls};
        // What a browser sends for a form on evil.example posting here: both cookies,
        // a form body without the secret (the attacker cannot read the cookie).
        auto r = s.c.post_form("/api/notes/", "text=pwned", {{"Origin", "https://evil.example"}, {"Referer", "https://evil.example/x"}});
        CHECK(r.status() == 403);
        CHECK(r.detail().starts_with("CSRF Failed: "));
        auto guessed = s.c.post_form("/api/notes/", "text=pwned&csrfmiddlewaretoken=" + csrf::new_token());
        CHECK(guessed.status() == 403);
        // The session itself is fine: the same request from the site passes.
        if (tls)
            CHECK(s.c.post_form("/api/notes/", "text=ok&csrfmiddlewaretoken=" + s.csrf, {{"Origin", "https://localhost"}})
                      .status() == 201);
        else
            CHECK(s.c.post_form("/api/notes/", "text=ok&csrfmiddlewaretoken=" + s.csrf).status() == 201);
    }
}

TEST_CASE("logout is CSRF-protected: a cross-site page cannot end the session", "[session][csrf][logout]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    logged_in s{site, "alice"};
    CHECK(s.c.post_form("/api/logout/", "").status() == 403);
    CHECK(s.c.get("/api/dashboard/").status() == 200);
}

TEST_CASE("malformed trusted origins are refused when the app starts", "[session][csrf]") {
    memory_store db;
    settings cfg = session_test::test_settings();
    cfg.csrf.trusted_origins = {"example.com"};   // Django 3.2's form: no scheme
    CHECK_THROWS_AS(session_test::make_site(db, cfg), std::invalid_argument);
}
