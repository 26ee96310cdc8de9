// Atomic counting: 8 threads hammering one throttle key through the whole app let
// exactly the rate through, on both counter backends.
#include "support.hpp"

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

using namespace warden;
using fixtures::test_auth;

namespace {

struct per_user : api_view<authentication<test_auth>, throttles<user_rate<"50/minute">>> {
    response get(request&) { return json({{"ok", true}}); }
};
struct per_address : api_view<authentication<test_auth>, throttles<anon_rate<"40/minute">>> {
    response get(request&) { return json({{"ok", true}}); }
};

} // namespace

TEMPLATE_LIST_TEST_CASE("8 threads on one throttle key let exactly the rate through", "[throttle][stress]",
                        fixtures::backends) {
    constexpr int threads = 8;
    constexpr int per_thread = 30;   // 240 requests for 50 places (40 anonymous)
    TestType backend;
    auto site = app<route<"/user/", per_user>, route<"/anon/", per_address>>(backend.store);
    fixtures::freeze_at(site, 0);   // one window for the whole run

    auto hammer = [&](bool as_alice) {
        std::atomic<int> ok{0}, throttled{0}, other{0};
        std::barrier start(threads);
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&] {
                test::client c{site, "192.0.2.1"};
                start.arrive_and_wait();
                for (int i = 0; i < per_thread; ++i) {
                    auto r = as_alice ? c.get("/user/", {{"Authorization", "Test alice"}}) : c.get("/anon/");
                    if (r.status() == 200) ++ok;
                    else if (r.status() == 429) ++throttled;
                    else ++other;
                }
            });
        }
        for (auto& th : pool) th.join();
        CHECK(other == 0);
        CHECK(ok + throttled == threads * per_thread);
        return ok.load();
    };

    INFO(TestType::name);
    CHECK(hammer(true) == 50);
    CHECK(hammer(false) == 40);
}
