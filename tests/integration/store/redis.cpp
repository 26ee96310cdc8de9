// The throttle suite on Redis (the service it provides), then what only the Redis
// backend has: keys under a prefix that expire with their window, a server that forgot
// its scripts, connections the server ended, and a server that never answers. Needs
// WARDEN_TEST_REDIS (./scripts/test sets it).
#include <support/redis_backend.hpp>

namespace store_suite {
using throttle_backends = std::tuple<warden_test::redis_backend>;
} // namespace store_suite

#include <unit/store/suite_throttle.hpp>

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>

using namespace warden;
using warden_test::redis_url;

namespace {

const bool present = (redis_url(), true);   // skips the whole executable without a server

// A raw connection to the test Redis, to look behind the store's back.
struct raw_redis {
    std::unique_ptr<redisContext, void (*)(redisContext*)> c{nullptr, redisFree};
    raw_redis() {
        auto u = detail::redis::url::parse(redis_url());
        c.reset(redisConnect(u.host.c_str(), u.port));
        REQUIRE(c);
        REQUIRE(c->err == 0);
        if (u.db != 0) command("SELECT " + std::to_string(u.db));
    }
    std::unique_ptr<redisReply, void (*)(void*)> command(const std::string& text) {
        return {static_cast<redisReply*>(redisCommand(c.get(), text.c_str())), freeReplyObject};
    }
};

} // namespace

TEST_CASE("a hit's key lives under the prefix and expires with its window", "[store][redis]") {
    warden_test::redis_backend b;
    REQUIRE(b.store.throttle_hit("throttle_anon_1.2.3.4", 1000, 60, 3).allowed);
    raw_redis raw;
    auto ttl = raw.command("PTTL " + b.prefix + "throttle_anon_1.2.3.4");
    REQUIRE(ttl->type == REDIS_REPLY_INTEGER);
    CHECK(ttl->integer > 0);
    CHECK(ttl->integer <= 61000);
    CHECK(raw.command("EXISTS throttle_anon_1.2.3.4")->integer == 0);
}

TEST_CASE("stores with different prefixes count apart; with the same prefix they share", "[store][redis]") {
    warden_test::redis_backend a, b;
    redis_store same{redis_url(), {.prefix = a.prefix}};
    CHECK(a.store.throttle_hit("k", 1, 60, 1).allowed);
    CHECK(b.store.throttle_hit("k", 1, 60, 1).allowed);
    CHECK_FALSE(same.throttle_hit("k", 2, 60, 1).allowed);
}

TEST_CASE("a Redis that forgot its scripts still counts (EVAL after NOSCRIPT)", "[store][redis]") {
    warden_test::redis_backend b;
    REQUIRE(b.store.throttle_hit("k", 1, 60, 2).allowed);
    raw_redis raw;
    raw.command("SCRIPT FLUSH");
    auto h = b.store.throttle_hit("k", 2, 60, 2);
    CHECK(h.allowed);
    CHECK(h.count == 2);
    CHECK_FALSE(b.store.throttle_hit("k", 3, 60, 2).allowed);
}

TEST_CASE("connections the server ended are replaced before use: the next hit succeeds", "[store][redis]") {
    warden_test::redis_backend b;
    REQUIRE(b.store.throttle_hit("k", 1, 60, 10).allowed);
    raw_redis raw;
    raw.command("CLIENT KILL TYPE normal SKIPME yes");
    std::error_code ec;
    auto h = b.store.throttle_hit("k", 2, 60, 10, ec);
    CHECK_FALSE(ec);
    CHECK(h.count == 2);
    CHECK(b.store.available());
}

TEST_CASE("a Redis that never answers costs the timeout, then store_errc::timeout", "[store][redis][faults]") {
    warden_test::silent_server hung;
    std::error_code code;
    try {
        redis_store s{"redis://127.0.0.1:" + std::to_string(hung.port()) + "/0", {.timeout = std::chrono::milliseconds{300}}};
    } catch (const std::system_error& e) {
        code = e.code();
    }
    CHECK(code == store_errc::timeout);
}
