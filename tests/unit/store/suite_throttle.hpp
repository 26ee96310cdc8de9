// The suite of the throttle counter service (throttle_store), over
// store_suite::throttle_backends.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_THROTTLE_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_THROTTLE_HPP

#include "suite_common.hpp"

#include <atomic>
#include <cmath>
#include <limits>

namespace store_suite {

TEMPLATE_LIST_TEST_CASE("a throttle backend's store models throttle_store and provides throttle_counters_tag",
                        "[store][throttle]", throttle_backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(throttle_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, throttle_counters_tag>::value);
}

TEMPLATE_LIST_TEST_CASE("throttle_hit follows DRF's window arithmetic", "[store][throttle]", throttle_backends) {
    TestType b;
    auto& s = b.store;
    const double window = 60;
    const std::size_t limit = 3;

    auto h = s.throttle_hit("throttle_user_1", 1000, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 1);
    CHECK(h.oldest == 1000);
    h = s.throttle_hit("throttle_user_1", 1010, window, limit);
    CHECK((h.allowed && h.count == 2 && h.oldest == 1000));
    h = s.throttle_hit("throttle_user_1", 1020.25, window, limit);
    CHECK((h.allowed && h.count == 3 && h.oldest == 1000));

    // Full: refused, nothing recorded, DRF's wait = (60 - (1030 - 1000)) / (3 - 3 + 1) = 30.
    h = s.throttle_hit("throttle_user_1", 1030, window, limit);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 3);
    CHECK(h.oldest == 1000);
    CHECK(drf_wait(h, 1030, window, limit) == Approx(30));

    // A hit exactly `window` old is gone (DRF pops `<= now - duration`).
    h = s.throttle_hit("throttle_user_1", 1060, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 3);
    CHECK(h.oldest == 1010);

    h = s.throttle_hit("throttle_user_1", 1060.5, window, limit);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 3);
    CHECK(drf_wait(h, 1060.5, window, limit) == Approx(9.5));

    // The refused hits were not recorded: after the window of the last allowed hit
    // everything has expired.
    h = s.throttle_hit("throttle_user_1", 1120, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 1);
    CHECK(h.oldest == 1120);
}

TEMPLATE_LIST_TEST_CASE("throttle keys are independent, may be long, and fractional times are kept exactly",
                        "[store][throttle]", throttle_backends) {
    TestType b;
    auto& s = b.store;
    const std::string long_key = "throttle_scope_" + std::string(10000, 'x');
    CHECK(s.throttle_hit(long_key, 10.125, 5, 1).allowed);
    CHECK_FALSE(s.throttle_hit(long_key, 10.5, 5, 1).allowed);
    CHECK(s.throttle_hit(long_key + "y", 10.5, 5, 1).allowed);
    CHECK(s.throttle_hit("a", 10.5, 5, 1).allowed);
    auto h = s.throttle_hit(long_key, 15.0, 5, 1);
    CHECK_FALSE(h.allowed);   // 10.125 > 15 - 5
    CHECK(h.oldest == 10.125);
    CHECK(s.throttle_hit(long_key, 15.125, 5, 1).allowed);
    // A time of the clock's real magnitude survives to the last bit.
    const double t = 1'700'000'000.123456789;
    CHECK(s.throttle_hit("exact", t, 60, 1).allowed);
    h = s.throttle_hit("exact", std::nextafter(t + 60, 0.0), 60, 1);
    CHECK_FALSE(h.allowed);   // one ulp inside the window
    CHECK(h.oldest == t);
    CHECK(s.throttle_hit("exact", t + 60, 60, 1).allowed);
}

TEMPLATE_LIST_TEST_CASE("a zero limit or an impossible time refuses without recording", "[store][throttle]",
                        throttle_backends) {
    TestType b;
    auto& s = b.store;
    auto h = s.throttle_hit("k", 100, 60, 0);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 0);
    CHECK(drf_wait(h, 100, 60, 0) == Approx(60));
    CHECK_FALSE(s.throttle_hit("k", std::numeric_limits<double>::quiet_NaN(), 60, 5).allowed);
    CHECK_FALSE(s.throttle_hit("k", std::numeric_limits<double>::infinity(), 60, 5).allowed);
    CHECK_FALSE(s.throttle_hit("k", 100, -1, 5).allowed);
    CHECK(s.purge_throttle(1e12, 0) == 0);   // no key was created
    auto ok = s.throttle_hit("k", 100, 60, 5);
    CHECK(ok.allowed);
    CHECK(ok.count == 1);
}

TEMPLATE_LIST_TEST_CASE("purge_throttle drops keys whose newest hit left the longest window", "[store][throttle]",
                        throttle_backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE(s.throttle_hit("old", 100, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("new", 90, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("new", 200, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("edge", 150, 1000, 10).allowed);
    // cutoff = 250 - 100 = 150: "old" (100) and "edge" (150) go, "new" (newest 200) stays whole.
    CHECK(s.purge_throttle(250, 100) == 2);
    auto h = s.throttle_hit("new", 250, 1000, 10);
    CHECK(h.count == 3);
    CHECK(h.oldest == 90);
    CHECK(s.throttle_hit("old", 250, 1000, 10).count == 1);
    CHECK(s.purge_throttle(250, 100) == 0);
}

TEMPLATE_LIST_TEST_CASE("the throttle service's error_code forms give the same answers and clear the code",
                        "[store][throttle][errors]", throttle_backends) {
    TestType b;
    auto& s = b.store;
    std::error_code ec = dirty();
    CHECK(s.throttle_hit("t", 1, 10, 1, ec).allowed);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.throttle_hit("t", 2, 10, 1, ec).allowed);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.purge_throttle(100, 10, ec) == 1);
    CHECK_FALSE(ec);
}

TEMPLATE_LIST_TEST_CASE("8 threads hammering one throttle key let exactly the limit through", "[store][throttle][concurrency]",
                        throttle_backends) {
    TestType b;
    auto& s = b.store;
    constexpr std::size_t limit = 40;
    constexpr int hits_per_thread = 15;   // 120 attempts for 40 places
    std::atomic<std::size_t> allowed{0};
    std::atomic<std::size_t> max_count{0};
    run_threads([&](int t) {
        for (int i = 0; i < hits_per_thread; ++i) {
            // Distinct, slightly out-of-order times, all inside the window.
            const double now = 1000.0 + i * 0.01 + t * 0.001;
            auto h = s.throttle_hit("throttle_anon_10.0.0.1", now, 3600, limit);
            if (h.allowed) ++allowed;
            std::size_t seen = max_count.load();
            while (h.count > seen && !max_count.compare_exchange_weak(seen, h.count)) {}
        }
    });
    CHECK(allowed.load() == limit);
    CHECK(max_count.load() == limit);
    auto last = s.throttle_hit("throttle_anon_10.0.0.1", 1001, 3600, limit);
    CHECK_FALSE(last.allowed);
    CHECK(last.count == limit);
    CHECK(last.oldest == Approx(1000.0));
}

} // namespace store_suite

#endif
