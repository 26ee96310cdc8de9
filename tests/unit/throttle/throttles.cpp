// The rate throttles through an app with a frozen clock: 429 with DRF's message and
// Retry-After, singular and plural; anonymous and user keys; scoped throttles; the
// longest wait of several; trusted proxies versus spoofed X-Forwarded-For; and a
// counter store that fails (closed).
#include "support.hpp"

#include <string>
#include <vector>

using namespace warden;
using fixtures::freeze_at;
using fixtures::test_auth;

namespace {

// The reference site's ThrottledAPI.
struct throttled_api : api_view<authentication<test_auth>, permissions<allow_any>, throttles<anon_rate<>, user_rate<>>> {
    response get(request&) { return json({{"ok", true}}); }
};

struct uploads_a : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    static constexpr std::string_view throttle_scope = "uploads";
    response get(request&) { return json({{"view", "a"}}); }
};
struct uploads_b : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    static constexpr std::string_view throttle_scope = "uploads";
    response get(request&) { return json({{"view", "b"}}); }
};
struct exports : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    static constexpr const char* throttle_scope = "exports";
    response get(request&) { return json({{"view", "exports"}}); }
};
struct unscoped : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    response get(request&) { return json({{"view", "unscoped"}}); }
};
struct switched_off : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    static constexpr std::string_view throttle_scope = "free";
    response get(request&) { return json({{"view", "free"}}); }
};

using burst = basic_user_rate<"burst", "2/minute">;
using sustained = basic_user_rate<"sustained", "3/hour">;
struct layered : api_view<authentication<test_auth>, throttles<burst, sustained>> {
    response get(request&) { return json({{"ok", true}}); }
};

settings test_settings(std::size_t num_proxies = 0) {
    settings s;
    s.throttle_rates = {{"anon", "3/minute"}, {"user", "5/minute"}, {"uploads", "2/minute"},
                        {"exports", "1/hour"},  {"free", "none"}};
    s.num_proxies = num_proxies;
    return s;
}

auto make_site(memory_store& db, settings s = test_settings()) {
    return app<route<"/api/throttled/", throttled_api>, route<"/a/", uploads_a>, route<"/b/", uploads_b>,
               route<"/exports/", exports>, route<"/unscoped/", unscoped>, route<"/free/", switched_off>,
               route<"/layered/", layered>>(db, std::move(s));
}

const test::header_args alice{{"Authorization", "Test alice"}};
const test::header_args carol{{"Authorization", "Test carol"}};

} // namespace

TEST_CASE("anonymous requests get 3 a minute, then 429 with DRF's message and Retry-After", "[throttle][anon]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site};
    for (int i = 0; i < 3; ++i) CHECK(c.get("/api/throttled/").status() == 200);
    auto r = c.get("/api/throttled/");
    CHECK(r.status() == 429);
    CHECK(r.detail() == "Request was throttled. Expected available in 60 seconds.");
    CHECK(r.header("Retry-After") == "60");
    CHECK(r.header("Allow") == "GET, HEAD, OPTIONS");

    freeze_at(site, 15.25);
    r = c.get("/api/throttled/");
    CHECK(r.detail() == "Request was throttled. Expected available in 45 seconds.");   // ceil(44.75)
    CHECK(r.header("Retry-After") == "45");
}

TEST_CASE("the wait is singular for one second and plural otherwise", "[throttle][anon]") {
    memory_store db;
    auto site = make_site(db);
    test::client c{site};
    freeze_at(site, 0);
    CHECK(c.get("/api/throttled/").status() == 200);
    freeze_at(site, 1);
    CHECK(c.get("/api/throttled/").status() == 200);
    CHECK(c.get("/api/throttled/").status() == 200);

    freeze_at(site, 59.5);   // (60 - 59.5) / 1 = 0.5 -> 1
    auto one = c.get("/api/throttled/");
    CHECK(one.detail() == "Request was throttled. Expected available in 1 second.");
    CHECK(one.header("Retry-After") == "1");

    freeze_at(site, 58);     // 2 seconds
    auto two = c.get("/api/throttled/");
    CHECK(two.detail() == "Request was throttled. Expected available in 2 seconds.");
    CHECK(two.header("Retry-After") == "2");

    // At exactly 60 s the first hit has left the window (DRF drops `t <= now - 60`).
    freeze_at(site, 60);
    CHECK(c.get("/api/throttled/").status() == 200);
    auto again = c.get("/api/throttled/");
    CHECK(again.status() == 429);
    CHECK(again.header("Retry-After") == "1");   // the hit at 1 s leaves at 61 s
}

TEST_CASE("HEAD and OPTIONS count, and a throttled POST on a GET-only view is 429, not 405", "[throttle][anon]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site};
    CHECK(c.head("/api/throttled/").status() == 200);
    CHECK(c.options("/api/throttled/").status() == 200);
    CHECK(c.get("/api/throttled/").status() == 200);
    CHECK(c.head("/api/throttled/").status() == 429);
    CHECK(c.options("/api/throttled/").status() == 429);
    CHECK(c.post("/api/throttled/", "{}").status() == 429);
    // Authentication answers before throttles: a bad credential is 401 while throttled.
    auto bad = c.get("/api/throttled/", {{"Authorization", "Test mallory"}});
    CHECK(bad.status() == 401);
    CHECK(bad.detail() == "Unknown test user.");
}

TEST_CASE("users are counted by id at the user rate, apart from each other and from the anonymous count",
          "[throttle][user]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site};
    for (int i = 0; i < 3; ++i) CHECK(c.get("/api/throttled/").status() == 200);
    CHECK(c.get("/api/throttled/").status() == 429);   // anonymous: 3 a minute

    for (int i = 0; i < 5; ++i) CHECK(c.get("/api/throttled/", alice).status() == 200);
    auto sixth = c.get("/api/throttled/", alice);
    CHECK(sixth.status() == 429);
    CHECK(sixth.header("Retry-After") == "60");
    CHECK(c.get("/api/throttled/", carol).status() == 200);   // carol has her own count

    // The same user from another address is the same count.
    test::client elsewhere{site, "198.51.100.9"};
    CHECK(elsewhere.get("/api/throttled/", alice).status() == 429);
    // Another address is another anonymous client.
    CHECK(elsewhere.get("/api/throttled/").status() == 200);
}

TEST_CASE("anonymous requests also count at the user rate, keyed by address, as in DRF", "[throttle][user]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site};
    for (int i = 0; i < 3; ++i) CHECK(c.get("/api/throttled/").status() == 200);
    // Refused by the anon rate, still counted by the user rate (DRF checks every throttle).
    freeze_at(site, 10);
    CHECK(c.get("/api/throttled/").status() == 429);
    CHECK(c.get("/api/throttled/").status() == 429);
    // Now both refuse; the user rate's history is 5 hits, its oldest at 0 s.
    freeze_at(site, 20);
    auto both = c.get("/api/throttled/");
    CHECK(both.status() == 429);
    CHECK(both.header("Retry-After") == "40");
    CHECK(db.throttle_hit("throttle_user_127.0.0.1", 20, 60, 1000).count == 6);   // 5 counted, plus this probe
    CHECK(db.throttle_hit("throttle_anon_127.0.0.1", 20, 60, 1000).count == 4);
}

TEST_CASE("the longest wait of the view's throttles is reported", "[throttle][user]") {
    memory_store db;
    auto site = make_site(db);
    test::client c{site};
    freeze_at(site, 0);
    CHECK(c.get("/layered/", alice).status() == 200);
    CHECK(c.get("/layered/", alice).status() == 200);
    auto burst_only = c.get("/layered/", alice);   // burst refuses (60 s); sustained counts its 3rd
    CHECK(burst_only.status() == 429);
    CHECK(burst_only.header("Retry-After") == "60");
    freeze_at(site, 100);
    auto both = c.get("/layered/", alice);   // burst allows again; sustained refuses: 3600 - 100
    CHECK(both.status() == 429);
    CHECK(both.header("Retry-After") == "3500");
    CHECK(both.detail() == "Request was throttled. Expected available in 3500 seconds.");
    CHECK(c.get("/layered/", alice).status() == 429);
    freeze_at(site, 100.5);
    auto longest = c.get("/layered/", alice);   // burst: (60 - 0.5) / 1; sustained: 3499.5
    CHECK(longest.header("Retry-After") == "3500");
}

TEST_CASE("scoped throttles: views sharing a scope share the count; other scopes and unscoped views do not",
          "[throttle][scoped]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site};
    CHECK(c.get("/a/", alice).status() == 200);
    CHECK(c.get("/b/", alice).status() == 200);
    auto third = c.get("/a/", alice);
    CHECK(third.status() == 429);
    CHECK(third.header("Retry-After") == "60");
    CHECK(c.get("/b/", alice).status() == 429);
    CHECK(c.get("/a/", carol).status() == 200);   // per user
    CHECK(c.get("/a/").status() == 200);          // anonymous: per address
    CHECK(c.get("/exports/", alice).status() == 200);
    auto exports_again = c.get("/exports/", alice);
    CHECK(exports_again.status() == 429);
    CHECK(exports_again.header("Retry-After") == "3600");
    for (int i = 0; i < 10; ++i) {
        CHECK(c.get("/unscoped/", alice).status() == 200);
        CHECK(c.get("/free/", alice).status() == 200);
    }
}

TEST_CASE("with no trusted proxy, X-Forwarded-For is ignored: spoofed addresses share the peer's count",
          "[throttle][identity]") {
    memory_store db;
    auto site = make_site(db);
    freeze_at(site, 0);
    test::client c{site, "192.0.2.10"};
    for (int i = 0; i < 3; ++i) {
        std::string spoof = "203.0.113." + std::to_string(i);
        CHECK(c.get("/api/throttled/", {{"X-Forwarded-For", spoof}}).status() == 200);
    }
    for (std::string spoof : {"203.0.113.50", "203.0.113.51, 10.0.0.1", "garbage", ""}) {
        INFO(spoof);
        CHECK(c.get("/api/throttled/", {{"X-Forwarded-For", spoof}}).status() == 429);
    }
}

TEST_CASE("with one trusted proxy, the client is the address the proxy appended; prefixes are ignored",
          "[throttle][identity]") {
    memory_store db;
    auto site = make_site(db, test_settings(1));
    freeze_at(site, 0);
    test::client proxy{site, "10.0.0.1"};   // every request arrives from the proxy
    for (int i = 0; i < 3; ++i) CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "203.0.113.7"}}).status() == 200);
    // The client prepends made-up addresses; the proxy appends the real one.
    for (std::string xff : {"203.0.113.7", "198.51.100.1, 203.0.113.7", "1.1.1.1,2.2.2.2,  203.0.113.7"}) {
        INFO(xff);
        CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", xff}}).status() == 429);
    }
    // Another client behind the same proxy has its own count.
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "203.0.113.8"}}).status() == 200);
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "203.0.113.7, 203.0.113.8"}}).status() == 200);
}

TEST_CASE("with two trusted proxies, the second entry from the right is the client", "[throttle][identity]") {
    memory_store db;
    auto site = make_site(db, test_settings(2));
    freeze_at(site, 0);
    test::client proxy{site, "10.0.0.2"};
    for (int i = 0; i < 3; ++i)
        CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "spoof-" + std::to_string(i) + ", 203.0.113.7, 10.0.0.1"}})
                  .status() == 200);
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "203.0.113.7, 10.0.0.1"}}).status() == 429);
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}}).status() == 200);
}

TEST_CASE("behind a trusted proxy, a client entry that is not an IP address is refused, never a shared or chosen key",
          "[throttle][identity]") {
    memory_store db;
    auto site = make_site(db, test_settings(1));
    freeze_at(site, 0);
    test::client proxy{site, "10.0.0.1"};
    const std::string long_a(46, 'a'), long_b = "2001:0db8:0000:0000:0000:ff00:0042:8329:1234:5678";
    for (std::string xff : {long_a, long_b, std::string("garbage"), std::string("203.0.113.7,"), std::string("1.2.3.4:80"),
                            std::string("203.0.113.7 , [::1]"), std::string("999.1.1.1")}) {
        INFO(xff);
        auto r = proxy.get("/api/throttled/", {{"X-Forwarded-For", xff}});
        CHECK(r.status() == 400);
        CHECK(r.detail() == "Invalid X-Forwarded-For header.");
    }
    // The longest IPv6 literals are addresses, each with its own count.
    const std::string v6a = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", v6b = "2001:db8::1";
    REQUIRE(v6a.size() == 45);
    for (int i = 0; i < 3; ++i) CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", v6a}}).status() == 200);
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", v6a}}).status() == 429);
    CHECK(proxy.get("/api/throttled/", {{"X-Forwarded-For", v6b}}).status() == 200);
    // Without the header the peer (the proxy itself) is the client.
    CHECK(proxy.get("/api/throttled/").status() == 200);
}

TEST_CASE("hits above a lowered rate give DRF's unknown wait: no seconds, no Retry-After", "[throttle][anon]") {
    memory_store db;   // one store shared by two app generations, as after a restart
    {
        settings s = test_settings();
        s.throttle_rates["anon"] = "10/minute";
        s.throttle_rates["user"] = "none";
        auto before = make_site(db, std::move(s));
        freeze_at(before, 0);
        test::client c{before};
        for (int i = 0; i < 5; ++i) CHECK(c.get("/api/throttled/").status() == 200);
    }
    settings s = test_settings();
    s.throttle_rates["user"] = "none";
    auto after = make_site(db, std::move(s));   // 3/minute now, 5 hits already in the window
    freeze_at(after, 1);
    test::client c{after};
    auto r = c.get("/api/throttled/");
    CHECK(r.status() == 429);
    CHECK(r.detail() == "Request was throttled.");
    CHECK_FALSE(r.has_header("Retry-After"));
}

namespace {

// A counter store whose every call fails.
struct broken_counters {
    int calls = 0;
    throttle_state throttle_hit(std::string_view, double, double, std::size_t, std::error_code& ec) {
        ++calls;
        ec = make_error_code(store_errc::io);
        return {false, 0, 0};
    }
    std::size_t purge_throttle(double, double, std::error_code& ec) {
        ec = make_error_code(store_errc::io);
        return 0;
    }
};

struct anon_only : api_view<authentication<>, throttles<anon_rate<"100/second">>> {
    response get(request&) { return json({{"ok", true}}); }
};

} // namespace

TEST_CASE("a failing counter store refuses the request (fails closed) with 503 and Retry-After, not 429", "[throttle][store]") {
    basic_store<broken_counters> counters;
    auto site = app<route<"/x/", anon_only>>(counters);
    test::client c{site};
    auto r = c.get("/x/");
    CHECK(counters.backend().calls == 1);
    CHECK(r.status() == 503);
    CHECK(r.detail() == "Service temporarily unavailable, try again later.");
    CHECK(r.header("Retry-After") == "5");
}

TEST_CASE("throttled routes over a blocking store run off the I/O threads", "[throttle][store]") {
    fixtures::temp_db file;
    sqlite_store sql{file.path()};
    memory_store mem;
    auto on_sqlite = app<route<"/x/", anon_only>>(sql);
    auto in_memory = app<route<"/x/", anon_only>>(mem);
    http_request msg{http::verb::get, "/x/", 11};
    CHECK(decltype(on_sqlite)::blocking(msg));
    CHECK_FALSE(decltype(in_memory)::blocking(msg));
}
