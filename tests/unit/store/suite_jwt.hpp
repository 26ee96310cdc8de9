// The suite of the JWT blacklist service (jwt_blacklist_store), over
// store_suite::jwt_backends.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_JWT_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_JWT_HPP

#include "suite_common.hpp"

#include <atomic>

namespace store_suite {

TEMPLATE_LIST_TEST_CASE("a blacklist backend's store models jwt_blacklist_store and provides jwt_blacklist_tag",
                        "[store][jwt]", jwt_backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(jwt_blacklist_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, jwt_blacklist_tag>::value);
}

TEMPLATE_LIST_TEST_CASE("blacklisting is idempotent and is_blacklisted reports it", "[store][jwt]", jwt_backends) {
    TestType b;
    auto& s = b.store;
    CHECK_FALSE(s.is_blacklisted("j1"));
    CHECK(s.blacklist("j1", 2000, 1000));
    CHECK_FALSE(s.blacklist("j1", 2000, 1001));
    CHECK_FALSE(s.blacklist("j1", 9000, 1002));
    CHECK(s.is_blacklisted("j1"));
    CHECK_FALSE(s.is_blacklisted("j2"));
    CHECK_FALSE(s.is_blacklisted(""));
    // An access token's jti needs no outstanding entry to be revoked.
    CHECK(s.blacklist("access-jti", 1500, 1000));
    CHECK(s.is_blacklisted("access-jti"));
}

TEMPLATE_LIST_TEST_CASE("add_outstanding is idempotent by jti", "[store][jwt]", jwt_backends) {
    TestType b;
    auto& s = b.store;
    CHECK_FALSE(s.add_outstanding({"j1", 1, 100, 2000}));
    CHECK_FALSE(s.add_outstanding({"j1", 1, 100, 2000}));
    // A second record with the same jti changes nothing: it stays user 1's.
    CHECK_FALSE(s.add_outstanding({"j1", 2, 200, 3000}));
    CHECK(s.blacklist_user(2, 500) == 0);
    CHECK(s.blacklist_user(1, 500) == 1);
    // Outstanding is not blacklisted by itself.
    CHECK_FALSE(s.add_outstanding({"j2", 1, 100, 2000}));
    CHECK_FALSE(s.is_blacklisted("j2"));
}

TEMPLATE_LIST_TEST_CASE("blacklist_user blacklists every outstanding token of the user once", "[store][jwt]", jwt_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.add_outstanding({"u1-a", 1, 100, 2000}));
    REQUIRE_FALSE(s.add_outstanding({"u1-b", 1, 100, 2000}));
    REQUIRE_FALSE(s.add_outstanding({"u1-expired", 1, 10, 50}));
    REQUIRE_FALSE(s.add_outstanding({"u2-a", 2, 100, 2000}));
    REQUIRE(s.blacklist("u1-a", 2000, 150));

    CHECK(s.blacklist_user(1, 500) == 2);
    CHECK(s.is_blacklisted("u1-a"));
    CHECK(s.is_blacklisted("u1-b"));
    CHECK(s.is_blacklisted("u1-expired"));
    CHECK_FALSE(s.is_blacklisted("u2-a"));
    CHECK(s.blacklist_user(1, 600) == 0);
    CHECK(s.blacklist_user(3, 600) == 0);
}

TEMPLATE_LIST_TEST_CASE("purge_expired_jwt removes outstanding and blacklisted entries at or past expiry", "[store][jwt]",
                        jwt_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.add_outstanding({"o100", 1, 1, 100}));
    REQUIRE_FALSE(s.add_outstanding({"o200", 1, 1, 200}));
    REQUIRE(s.blacklist("b150", 150, 1));
    REQUIRE(s.blacklist("b300", 300, 1));
    CHECK(s.purge_expired_jwt(99) == 0);
    CHECK(s.purge_expired_jwt(150) == 2);   // o100 and b150
    CHECK_FALSE(s.is_blacklisted("b150"));
    CHECK(s.is_blacklisted("b300"));
    // o100 is gone, o200 is still outstanding.
    CHECK(s.blacklist_user(1, 160) == 1);
    CHECK(s.is_blacklisted("o200"));
    CHECK_FALSE(s.is_blacklisted("o100"));
    CHECK(s.purge_expired_jwt(1000) == 3);   // o200 outstanding and blacklisted, b300
    CHECK_FALSE(s.is_blacklisted("b300"));
}

TEMPLATE_LIST_TEST_CASE("the blacklist service's error_code forms give the same answers and clear the code",
                        "[store][jwt][errors]", jwt_backends) {
    TestType b;
    auto& s = b.store;
    std::error_code ec = dirty();
    CHECK(s.blacklist("j", 100, 1, ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.is_blacklisted("j", ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.is_blacklisted("other", ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.blacklist_user(1, 1, ec) == 0);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.purge_expired_jwt(100, ec) == 1);
    CHECK_FALSE(ec);
}

TEMPLATE_LIST_TEST_CASE("concurrent blacklisting of one jti reports it new exactly once", "[store][jwt][concurrency]",
                        jwt_backends) {
    TestType b;
    auto& s = b.store;
    std::atomic<int> fresh{0};
    run_threads([&](int t) {
        for (int i = 0; i < 5; ++i) {
            if (s.blacklist("shared-jti", 5000, 1000 + t)) ++fresh;
            if (s.blacklist(numbered("own-", t, i), 5000, 1000)) ++fresh;
        }
    });
    CHECK(fresh.load() == 1 + thread_count * 5);
    CHECK(s.purge_expired_jwt(5000) == static_cast<std::size_t>(1 + thread_count * 5));
}

} // namespace store_suite

#endif
