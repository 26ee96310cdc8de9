// The suite of the session service (session_store), over store_suite::session_backends.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_SESSIONS_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_SESSIONS_HPP

#include "suite_common.hpp"

#include <atomic>

namespace store_suite {

TEMPLATE_LIST_TEST_CASE("a session backend's store models session_store and provides sessions_tag", "[store][sessions]",
                        session_backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(session_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, sessions_tag>::value);
}

TEMPLATE_LIST_TEST_CASE("a created session loads back with every field; a duplicate key is refused", "[store][sessions]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 7, 1000)));
    auto r = s.load_session("k1", 500);
    REQUIRE(r);
    CHECK(r->key == "k1");
    CHECK(r->user_id == 7);
    CHECK(r->auth_hash == "hash-of-k1");
    CHECK(r->csrf_secret == "csrf-of-k1");
    CHECK(r->expires_at == 1000);

    auto dup = make_session("k1", 8, 2000);
    CHECK(s.create_session(dup) == store_errc::duplicate);
    CHECK(s.load_session("k1", 500)->user_id == 7);

    // Anonymous sessions (user 0) with empty fields are kept as such.
    session_record anon;
    anon.key = "anon";
    anon.expires_at = 1000;
    REQUIRE_FALSE(s.create_session(anon));
    auto a = s.load_session("anon", 1);
    REQUIRE(a);
    CHECK(a->user_id == 0);
    CHECK(a->auth_hash.empty());
    CHECK(a->csrf_secret.empty());
}

TEMPLATE_LIST_TEST_CASE("load_session is empty for an unknown key and from the expiry time on", "[store][sessions]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 1, 1000)));
    CHECK_FALSE(s.load_session("nope", 0));
    CHECK_FALSE(s.load_session("", 0));
    CHECK(s.load_session("k1", 999));
    CHECK_FALSE(s.load_session("k1", 1000));
    CHECK_FALSE(s.load_session("k1", 5000));
    CHECK_FALSE(s.load_session("K1", 0));
}

TEMPLATE_LIST_TEST_CASE("save_session replaces a session by key and is not_found for an absent one", "[store][sessions]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 0, 1000)));
    auto r = make_session("k1", 5, 3000);
    r.auth_hash = "new-hash";
    r.csrf_secret = "new-csrf";
    REQUIRE_FALSE(s.save_session(r));
    auto got = s.load_session("k1", 2000);
    REQUIRE(got);
    CHECK(got->user_id == 5);
    CHECK(got->auth_hash == "new-hash");
    CHECK(got->csrf_secret == "new-csrf");
    CHECK(got->expires_at == 3000);

    CHECK(s.save_session(make_session("ghost", 1, 1000)) == store_errc::not_found);
    CHECK_FALSE(s.load_session("ghost", 0));

    // The session now belongs to user 5, no longer to the anonymous user.
    CHECK(s.delete_user_sessions(0) == 0);
    CHECK(s.delete_user_sessions(5) == 1);
    CHECK_FALSE(s.load_session("k1", 0));
}

TEMPLATE_LIST_TEST_CASE("delete_session removes a session once", "[store][sessions]", session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 1, 1000)));
    CHECK(s.delete_session("k1"));
    CHECK_FALSE(s.delete_session("k1"));
    CHECK_FALSE(s.load_session("k1", 0));
    CHECK_FALSE(s.delete_session("never-was"));
    // The key can be used again.
    CHECK_FALSE(s.create_session(make_session("k1", 1, 1000)));
}

TEMPLATE_LIST_TEST_CASE("delete_user_sessions removes a user's sessions except the one named", "[store][sessions]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    for (auto k : {"a1", "a2", "a3"}) REQUIRE_FALSE(s.create_session(make_session(k, 1, 1000)));
    REQUIRE_FALSE(s.create_session(make_session("b1", 2, 1000)));
    REQUIRE_FALSE(s.create_session(make_session("anon", 0, 1000)));

    CHECK(s.delete_user_sessions(1, "a2") == 2);
    CHECK_FALSE(s.load_session("a1", 0));
    CHECK(s.load_session("a2", 0));
    CHECK_FALSE(s.load_session("a3", 0));
    CHECK(s.load_session("b1", 0));
    CHECK(s.load_session("anon", 0));

    // An except_key of another user's session protects nothing of this user's.
    CHECK(s.delete_user_sessions(1, "b1") == 1);
    CHECK_FALSE(s.load_session("a2", 0));
    CHECK(s.load_session("b1", 0));

    CHECK(s.delete_user_sessions(2) == 1);
    CHECK(s.delete_user_sessions(2) == 0);
    CHECK(s.load_session("anon", 0));
}

TEMPLATE_LIST_TEST_CASE("purge_expired_sessions removes sessions expired at or before now", "[store][sessions]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("e100", 1, 100)));
    REQUIRE_FALSE(s.create_session(make_session("e200", 1, 200)));
    REQUIRE_FALSE(s.create_session(make_session("e300", 2, 300)));
    CHECK(s.purge_expired_sessions(99) == 0);
    CHECK(s.purge_expired_sessions(200) == 2);
    CHECK(s.load_session("e300", 0));
    CHECK_FALSE(s.delete_session("e100"));
    // Purged sessions are gone from the user index too.
    CHECK(s.delete_user_sessions(1) == 0);
    CHECK(s.delete_user_sessions(2) == 1);
}

TEMPLATE_LIST_TEST_CASE("the session service's error_code forms give the same answers and clear the code",
                        "[store][sessions][errors]", session_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("s", 1, 100)));
    std::error_code ec = dirty();
    CHECK(s.load_session("s", 0, ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.load_session("none", 0, ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.delete_user_sessions(1, "", ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.purge_expired_sessions(100, ec) == 0);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.delete_session("s", ec));
    CHECK_FALSE(ec);
}

TEMPLATE_LIST_TEST_CASE("concurrent session creates and deletes from many threads lose nothing", "[store][sessions][concurrency]",
                        session_backends) {
    TestType b;
    auto& s = b.store;
    constexpr int per_thread = 30;
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        for (int i = 0; i < per_thread; ++i) {
            session_record r;
            r.key = numbered("t", t, i);
            r.user_id = 1 + t % 2;
            r.expires_at = 10'000;
            if (s.create_session(r)) ++failures;
            // Every third session is deleted again at once, interleaving with the others' writes.
            if (i % 3 == 0 && !s.delete_session(r.key)) ++failures;
            if (i % 3 == 1 && !s.load_session(r.key, 0)) ++failures;
        }
    });
    CHECK(failures.load() == 0);
    const std::size_t kept_each = per_thread - (per_thread + 2) / 3;   // i % 3 != 0
    int found = 0;
    for (int t = 0; t < thread_count; ++t)
        for (int i = 0; i < per_thread; ++i) found += s.load_session(numbered("t", t, i), 0).has_value();
    CHECK(found == static_cast<int>(kept_each) * thread_count);
    CHECK(s.delete_user_sessions(1) + s.delete_user_sessions(2) == kept_each * thread_count);
}

} // namespace store_suite

#endif
