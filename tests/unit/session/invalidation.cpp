// Ending sessions: password changes (the session auth hash), switching a user off.
#include "support.hpp"

using namespace warden;
using session_test::is_deletion;
using session_test::set_active;
using session_test::set_cookie;

namespace {

template <class Store>
void set_password(Store& db, std::string_view name, std::string_view password) {
    user u = *db.find_user_by_username(name);
    crypto::password_policy p;
    p.iterations = session_test::test_iterations;
    REQUIRE_FALSE(crypto::make_password(password, u.password, p));
    REQUIRE_FALSE(db.update_user(u));
}

} // namespace

TEMPLATE_LIST_TEST_CASE("a password change ends the user's sessions at their next request", "[session][invalidation]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client phone{site}, laptop{site}, other{site};
    session_test::login(phone, "alice");
    session_test::login(laptop, "alice");
    session_test::login(other, "bob");
    const auto phone_sid = phone.cookies().at("sessionid");

    set_password(b.store, "alice", "new-secret-pass");   // changed elsewhere (an admin, the CLI)
    for (auto* c : {&phone, &laptop}) {
        auto r = c->get("/api/dashboard/");
        CHECK(r.status() == 403);
        CHECK(is_deletion(set_cookie(r, "sessionid")));
    }
    CHECK_FALSE(b.store.load_session(phone_sid, site.clock().now_seconds()));   // deleted, not just refused
    CHECK(other.get("/api/dashboard/").status() == 200);                       // bob is untouched

    // The new password opens a new session; the old one is refused.
    CHECK(phone.post("/api/login/", session_test::credentials("alice")).status() == 400);
    CHECK(phone.post("/api/login/", R"({"username":"alice","password":"new-secret-pass"})").status() == 200);
    CHECK(phone.get("/api/dashboard/").status() == 200);
}

TEMPLATE_LIST_TEST_CASE("changing one's password keeps this session and ends the others at once", "[session][invalidation]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client here{site}, there{site};
    session_test::login(here, "alice");
    session_test::login(there, "alice");
    const auto before = here.cookies().at("sessionid");
    const auto there_sid = there.cookies().at("sessionid");

    auto r = here.post("/api/password/", R"({"password":"changed-pass"})", {{"X-CSRFToken", here.cookies().at("csrftoken")}});
    REQUIRE(r.status() == 204);
    const auto after = here.cookies().at("sessionid");
    CHECK(after != before);   // cycled, as Django's update_session_auth_hash
    CHECK_FALSE(b.store.load_session(before, site.clock().now_seconds()));
    CHECK_FALSE(b.store.load_session(there_sid, site.clock().now_seconds()));   // gone before its next request
    CHECK(here.get("/api/dashboard/").status() == 200);
    CHECK(there.get("/api/dashboard/").status() == 403);
}

TEMPLATE_LIST_TEST_CASE("switching a user off ends their sessions at once, and on again does not revive them",
                        "[session][invalidation]", session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client c{site}, d{site};
    session_test::login(c, "carol");
    session_test::login(d, "carol");
    const auto sid = c.cookies().at("sessionid");
    const auto d_sid = d.cookies().at("sessionid");
    CHECK(c.get("/api/dashboard/").status() == 200);

    set_active(b.store, "carol", false);
    auto off = c.get("/api/dashboard/");
    CHECK(off.status() == 403);
    CHECK(off.detail() == "Authentication credentials were not provided.");
    CHECK(is_deletion(set_cookie(off, "sessionid")));
    CHECK_FALSE(b.store.load_session(sid, site.clock().now_seconds()));
    // A write is refused too (anonymous, not a CSRF question).
    auto w = d.post("/api/notes/", R"({"text":"x"})", {{"X-CSRFToken", d.cookies().at("csrftoken")}});
    CHECK(w.status() == 401);
    CHECK_FALSE(b.store.load_session(d_sid, site.clock().now_seconds()));
    CHECK(c.post("/api/login/", session_test::credentials("carol")).status() == 400);

    set_active(b.store, "carol", true);
    CHECK(c.get("/api/dashboard/", {{"Cookie", "sessionid=" + sid}}).status() == 403);
    session_test::login(c, "carol");
    CHECK(c.get("/api/dashboard/").status() == 200);
}

TEST_CASE("the store's delete_user_sessions ends a switched-off user's sessions without a request", "[session][invalidation]") {
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client a{site}, b{site};
    session_test::login(a, "alice");
    session_test::login(b, "alice");
    CHECK(db.delete_user_sessions(db.find_user_by_username("alice")->id) == 2);
    CHECK(a.get("/api/dashboard/").status() == 403);
    CHECK(b.get("/api/dashboard/").status() == 403);
}

TEST_CASE("a session is bound to the server secret", "[session][invalidation]") {
    memory_store db;
    session_test::seed(db);
    std::string sid;
    {
        auto site = session_test::make_site(db);
        test::client c{site};
        session_test::login(c, "alice");
        sid = c.cookies().at("sessionid");
    }
    settings rotated = session_test::test_settings();
    rotated.secret_key = "another-secret";
    auto site = session_test::make_site(db, rotated);
    test::client c{site};
    auto r = c.get("/api/dashboard/", {{"Cookie", "sessionid=" + sid}});
    CHECK(r.status() == 403);
    CHECK(is_deletion(set_cookie(r, "sessionid")));
}

TEST_CASE("a session row edited to name another user does not log in as that user", "[session][invalidation]") {
    // The auth hash is of the user's password hash: a session moved to another user id
    // (a tampered or corrupted row) fails the check.
    memory_store db;
    session_test::seed(db);
    auto site = session_test::make_site(db);
    test::client c{site};
    session_test::login(c, "alice");
    auto rec = *db.load_session(c.cookies().at("sessionid"), site.clock().now_seconds());
    rec.user_id = db.find_user_by_username("bob")->id;
    REQUIRE_FALSE(db.save_session(rec));
    CHECK(c.get("/api/dashboard/").status() == 403);
}
