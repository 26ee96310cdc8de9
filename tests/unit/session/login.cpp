// login_view and logout_view: cookies, session ids, errors, fixation, logout, expiry.
#include "support.hpp"

using namespace warden;
using session_test::is_deletion;
using session_test::set_cookie;

TEMPLATE_LIST_TEST_CASE("a login sets both cookies, answers the username and opens the dashboard", "[session][login]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}});
    test::client c{site};
    CHECK(c.get("/api/dashboard/").status() == 403);

    auto r = c.post("/api/login/", session_test::credentials("alice"));
    REQUIRE(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"username":"alice"})"));
    const auto sid = c.cookies().at("sessionid");
    const auto csrf = c.cookies().at("csrftoken");
    CHECK(session::is_valid_key(sid));
    CHECK(csrf::is_valid_token(csrf));
    CHECK(set_cookie(r, "sessionid") == "sessionid=" + sid +
                                            "; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; "
                                            "SameSite=Lax");
    CHECK(set_cookie(r, "csrftoken") ==
          "csrftoken=" + csrf + "; expires=Tue, 12 Nov 2024 22:13:20 GMT; Max-Age=31449600; Path=/; SameSite=Lax");
    CHECK(r.header("Vary") == "Cookie");

    auto stored = b.store.load_session(sid, site.clock().now_seconds());
    REQUIRE(stored);
    CHECK(stored->user_id == b.store.find_user_by_username("alice")->id);
    CHECK(stored->expires_at == 1'700'000'000 + 1'209'600);
    CHECK(stored->auth_hash == session::auth_hasher{"test-secret"}.hash(b.store.find_user_by_username("alice")->password));

    auto d = c.get("/api/dashboard/");
    CHECK(d.status() == 200);
    CHECK(d.json() == boost::json::parse(R"({"message":"Hello alice, welcome to your dashboard"})"));
    CHECK(d.headers("Set-Cookie").empty());   // a session that is only read sets no cookie

    auto w = c.get("/api/whoami/").json();
    CHECK(w.at("scheme") == "session");
    CHECK(w.at("credential").as_string() == session::key_fingerprint(sid));
    CHECK(w.at("expires_at").as_int64() == 1'700'000'000 + 1'209'600);
}

TEST_CASE("a login takes a form or a multipart body", "[session][login]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site};
    auto f = c.post_form("/api/login/", "username=carol&password=carol-pass");
    CHECK(f.status() == 200);
    CHECK(f.json() == boost::json::parse(R"({"username":"carol"})"));
    CHECK(c.get("/api/dashboard/").status() == 200);

    test::client m{site};
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nbob-pass\r\n--XyZ--\r\n";
    auto r = m.send(http::verb::post, "/api/login/", body, "multipart/form-data; boundary=XyZ");
    CHECK(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"username":"bob"})"));
    CHECK(m.get("/api/dashboard/").status() == 200);
}

TEST_CASE("bad, inactive, missing or malformed credentials are one 400 and set no cookie", "[session][login]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site};
    for (std::string body : {R"({"username":"alice","password":"wrong"})", R"({"username":"dave","password":"dave-pass"})",
                             R"({"username":"nobody","password":"x"})", R"({"username":"alice"})", R"({})",
                             R"({"username":"","password":""})", R"({"username":"ALICE","password":"alice-pass"})",
                             R"({"username":null,"password":"alice-pass"})", R"({"username":["alice"],"password":"alice-pass"})",
                             R"({"username":"alice","password":true})", R"({"username":"alice\u0000","password":"alice-pass"})"}) {
        INFO(body);
        auto r = c.post("/api/login/", body);
        CHECK(r.status() == 400);
        CHECK(r.json() == boost::json::parse(R"({"detail":"Invalid username or password."})"));
        CHECK(r.headers("Set-Cookie").empty());
    }
    CHECK(c.cookies().empty());
    CHECK(c.get("/api/dashboard/").status() == 403);
}

TEST_CASE("numbers stand for their text in credentials, as Django's authenticate() reads them", "[session][login]") {
    memory_store db;
    session_test::add_user(db, "12345");
    auto site = session_test::make_site(db);
    test::client c{site};
    user u = *db.find_user_by_username("12345");
    crypto::password_policy p;
    p.iterations = session_test::test_iterations;
    REQUIRE_FALSE(crypto::make_password("777", u.password, p));
    REQUIRE_FALSE(db.update_user(u));
    CHECK(c.post("/api/login/", R"({"username":12345,"password":777})").status() == 200);
}

TEST_CASE("a failed login leaves the session that was there alone", "[session][login]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site};
    session_test::login(c, "alice");
    const auto sid = c.cookies().at("sessionid");
    CHECK(c.post("/api/login/", R"({"username":"bob","password":"wrong"})").status() == 400);
    CHECK(c.cookies().at("sessionid") == sid);
    CHECK(c.get("/api/dashboard/").json().at("message") == "Hello alice, welcome to your dashboard");
}

TEMPLATE_LIST_TEST_CASE("logging in again keeps the same user's session id and always rotates the CSRF token",
                        "[session][login]", session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}});
    test::client c{site};
    session_test::login(c, "alice");
    const auto sid = c.cookies().at("sessionid");
    const auto csrf1 = c.cookies().at("csrftoken");
    site.clock().advance(std::chrono::hours{1});
    session_test::login(c, "alice");
    CHECK(c.cookies().at("sessionid") == sid);
    CHECK(c.cookies().at("csrftoken") != csrf1);
    CHECK(csrf::unmask_token(c.cookies().at("csrftoken")) != csrf::unmask_token(csrf1));   // a new secret
    // The login renewed the session's expiry.
    CHECK(b.store.load_session(sid, site.clock().now_seconds())->expires_at == 1'700'000'000 + 3600 + 1'209'600);
}

TEMPLATE_LIST_TEST_CASE("another user's login replaces the session instead of inheriting it", "[session][login]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client c{site};
    session_test::login(c, "alice");
    const auto alice_sid = c.cookies().at("sessionid");
    session_test::login(c, "bob");
    const auto bob_sid = c.cookies().at("sessionid");
    CHECK(bob_sid != alice_sid);
    CHECK_FALSE(b.store.load_session(alice_sid, site.clock().now_seconds()));   // flushed
    CHECK(c.get("/api/dashboard/").json().at("message") == "Hello bob, welcome to your dashboard");

    auto old = c.get("/api/dashboard/", {{"Cookie", "sessionid=" + alice_sid}});
    CHECK(old.status() == 403);
    CHECK(is_deletion(set_cookie(old, "sessionid")));
}

TEMPLATE_LIST_TEST_CASE("a planted session id never becomes a login", "[session][login][fixation]", session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    const std::string planted = "plantedsessionid0123456789abcdef";

    test::client victim{site};
    victim.cookies()["sessionid"] = planted;
    auto anon = victim.get("/api/dashboard/");
    CHECK(anon.status() == 403);
    CHECK(is_deletion(set_cookie(anon, "sessionid")));   // unknown id: cleared, as Django

    victim.cookies()["sessionid"] = planted;
    session_test::login(victim, "alice");
    const auto sid = victim.cookies().at("sessionid");
    CHECK(sid != planted);
    CHECK_FALSE(b.store.load_session(planted, site.clock().now_seconds()));

    // The attacker who planted the id holds nothing.
    test::client attacker{site};
    attacker.cookies()["sessionid"] = planted;
    CHECK(attacker.get("/api/dashboard/").status() == 403);
    CHECK(attacker.get("/api/whoami/").status() == 403);
}

TEST_CASE("a planted id of the attacker's own session is flushed at the victim's login", "[session][login][fixation]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client attacker{site};
    session_test::login(attacker, "carol");
    const auto carol_sid = attacker.cookies().at("sessionid");

    test::client victim{site};
    victim.cookies()["sessionid"] = carol_sid;
    session_test::login(victim, "alice");
    CHECK(victim.cookies().at("sessionid") != carol_sid);
    // The attacker's session was flushed, not turned into alice's.
    auto a = attacker.get("/api/dashboard/");
    CHECK(a.status() == 403);
}

TEST_CASE("an anonymous session moves to a fresh id at login, keeping its data", "[session][login][fixation]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    session_record anon;
    anon.key = session::new_key();
    anon.user_id = 0;
    anon.csrf_secret = csrf::new_secret();
    anon.expires_at = site.clock().now_seconds() + 600;
    REQUIRE_FALSE(db.create_session(anon));

    test::client c{site};
    c.cookies()["sessionid"] = anon.key;
    CHECK(c.get("/api/dashboard/").status() == 403);                 // anonymous session: no user
    CHECK(c.get("/api/dashboard/").headers("Set-Cookie").empty());    // but a live one: kept
    session_test::login(c, "alice");
    const auto sid = c.cookies().at("sessionid");
    CHECK(sid != anon.key);
    CHECK_FALSE(db.load_session(anon.key, site.clock().now_seconds()));
    auto moved = db.load_session(sid, site.clock().now_seconds());
    REQUIRE(moved);
    CHECK(moved->csrf_secret == anon.csrf_secret);
    CHECK(moved->user_id == db.find_user_by_username("alice")->id);
}

TEST_CASE("stale, unknown, malformed and empty session cookies are anonymous and cleared", "[session][cookie]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site};
    for (std::string value : {"0123456789abcdefghijklmnopqrstuv", "short", "not-a-valid-id!", "", "\"\""}) {
        INFO(value);
        for (auto target : {"/api/dashboard/", "/api/notes/"}) {
            auto r = c.get(target, {{"Cookie", "sessionid=" + value}});
            CHECK((r.status() == 403 || r.status() == 200));
            CHECK(is_deletion(set_cookie(r, "sessionid")));
            CHECK(session_test::set_cookie_count(r, "sessionid") == 1);
        }
    }
    // A view without session authentication does not read the session (Django's is lazy).
    CHECK(c.get("/api/profile/", {{"Cookie", "sessionid=0123456789abcdefghijklmnopqrstuv"}}).headers("Set-Cookie").empty());
    // A token beside a stale cookie: the token authenticates first, the session is not read.
    auto t = c.post("/api/token-auth/", session_test::credentials("carol"));
    REQUIRE(t.status() == 200);
    const std::string key(t.json().at("token").as_string());
    auto r = c.get("/api/notes/", {{"Authorization", "Token " + key}, {"Cookie", "sessionid=0123456789abcdefghijklmnopqrstuv"}});
    CHECK(r.status() == 200);
    CHECK(r.headers("Set-Cookie").empty());
}

TEMPLATE_LIST_TEST_CASE("logout ends the session; the replayed cookie is anonymous", "[session][logout]", session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client c{site};
    session_test::login(c, "alice");
    const auto sid = c.cookies().at("sessionid");
    const auto csrf = c.cookies().at("csrftoken");

    auto no_token = c.post("/api/logout/", "");
    CHECK(no_token.status() == 403);
    CHECK(no_token.detail() == session_test::csrf_detail(csrf::reason_bad_token));
    CHECK(b.store.load_session(sid, site.clock().now_seconds()));

    auto out = c.post("/api/logout/", "", {{"X-CSRFToken", csrf}});
    CHECK(out.status() == 204);
    CHECK(out.body().empty());
    CHECK(is_deletion(set_cookie(out, "sessionid")));
    CHECK_FALSE(b.store.load_session(sid, site.clock().now_seconds()));
    CHECK_FALSE(c.cookies().contains("sessionid"));
    CHECK(c.get("/api/dashboard/").status() == 403);

    auto replay = c.get("/api/dashboard/", {{"Cookie", "sessionid=" + sid + "; csrftoken=" + csrf}});
    CHECK(replay.status() == 403);
    CHECK(replay.detail() == "Authentication credentials were not provided.");
    CHECK(is_deletion(set_cookie(replay, "sessionid")));
    auto again = c.post("/api/logout/", "", {{"Cookie", "sessionid=" + sid + "; csrftoken=" + csrf}, {"X-CSRFToken", csrf}});
    CHECK(again.status() == 403);
    CHECK(again.detail() == "Authentication credentials were not provided.");
}

TEMPLATE_LIST_TEST_CASE("sessions expire after the cookie age and are purged", "[session][expiry]", session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    settings s = session_test::test_settings();
    s.session.cookie_age = 3600;
    auto site = session_test::make_site(b.store, s);
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}});
    test::client c{site};
    session_test::login(c, "alice");
    CHECK(set_cookie(c.post("/api/login/", session_test::credentials("alice")), "sessionid").find("Max-Age=3600;") !=
          std::string::npos);
    const auto sid = c.cookies().at("sessionid");
    test::client other{site};
    session_test::login(other, "bob");

    site.clock().advance(std::chrono::seconds{3599});
    CHECK(c.get("/api/dashboard/").status() == 200);   // reading does not extend it
    site.clock().advance(std::chrono::seconds{1});
    auto expired = c.get("/api/dashboard/");
    CHECK(expired.status() == 403);
    CHECK(is_deletion(set_cookie(expired, "sessionid")));

    // Expired rows stay until purged (as Django's until clearsessions): alice's and bob's.
    CHECK(b.store.purge_expired_sessions(site.clock().now_seconds()) == 2);
    CHECK_FALSE(b.store.load_session(sid, site.clock().now_seconds() - 10));
    CHECK(b.store.purge_expired_sessions(site.clock().now_seconds()) == 0);
}

TEST_CASE("over TLS both cookies are Secure, and so is the cookie's deletion", "[session][cookie]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site, "127.0.0.1", true};
    auto r = c.post("/api/login/", session_test::credentials("alice"));
    REQUIRE(r.status() == 200);
    CHECK(set_cookie(r, "sessionid").ends_with("; Secure"));
    CHECK(set_cookie(r, "csrftoken").ends_with("; Secure"));
    auto out = c.post("/api/logout/", "",
                      {{"X-CSRFToken", c.cookies().at("csrftoken")}, {"Referer", "https://localhost/app/"}});
    CHECK(out.status() == 204);
    CHECK(set_cookie(out, "sessionid").ends_with("; Secure"));
}

TEST_CASE("configured cookie names are the ones read and written", "[session][cookie]") {
    memory_store db;
    session_test::seed(db);
    settings s = session_test::test_settings();
    s.session.cookie_name = "sid";
    s.csrf.cookie_name = "xsrf";
    s.csrf.header_name = "X-XSRF-Token";
    auto site = session_test::make_site(db, s);
    test::client c{site};
    session_test::login(c, "alice");
    CHECK(c.cookies().contains("sid"));
    CHECK(c.cookies().contains("xsrf"));
    CHECK_FALSE(c.cookies().contains("sessionid"));
    CHECK(c.get("/api/dashboard/").status() == 200);
    CHECK(c.post("/api/notes/", R"({"text":"a"})", {{"X-CSRFToken", c.cookies().at("xsrf")}}).status() == 403);
    CHECK(c.post("/api/notes/", R"({"text":"a"})", {{"X-XSRF-Token", c.cookies().at("xsrf")}}).status() == 201);
}

namespace {
// Logs alice in from a view that is session-authenticated itself.
struct relogin_api : api_view<authentication<session_auth>, permissions<>> {
    using requires_services = services<users_tag, sessions_tag>;
    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        auto u = ctx.template get<users_tag>().find_user_by_username("alice");
        if (session::login(req, ctx, u)) return response{http::status::internal_server_error};
        return json({{"username", req.user().username}});
    }
};
} // namespace

TEST_CASE("a stale cookie cleared during authentication gives way to the login's new cookie", "[session][cookie]") {
    memory_store db;
    session_test::seed(db);
    auto site = app<route<"/api/relogin/", relogin_api>>(db, session_test::test_settings());
    test::client c{site};
    auto r = c.post("/api/relogin/", "", {{"Cookie", "sessionid=0123456789abcdefghijklmnopqrstuv"}});
    REQUIRE(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"username":"alice"})"));
    CHECK(session_test::set_cookie_count(r, "sessionid") == 1);
    CHECK_FALSE(is_deletion(set_cookie(r, "sessionid")));
    CHECK(session::is_valid_key(c.cookies().at("sessionid")));
    CHECK(session_test::set_cookie_count(r, "csrftoken") == 1);
}
