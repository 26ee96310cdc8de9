// What only the memory backend promises: bounded throttle memory without any purge
// call, and lookups that hand out shared snapshots.
#include <warden/store/memory_store.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace warden;

TEST_CASE("the memory store drops throttle keys whose window has passed without a purge call", "[store][memory][throttle]") {
    memory_store s;
    for (int i = 0; i < 4000; ++i) REQUIRE(s.throttle_hit("old-" + std::to_string(i), 0, 1, 5).allowed);
    CHECK(s.throttle_key_count() == 4000);
    // Enough later traffic that every shard sweeps at least once (each sweeps after as
    // many hits as it holds keys, at least 1024).
    for (int i = 0; i < 40000; ++i) s.throttle_hit("live-" + std::to_string(i % 100), 10, 1, 1'000'000);
    CHECK(s.throttle_key_count() == 100);
}

TEST_CASE("the memory store creates no throttle key for a refused hit", "[store][memory][throttle]") {
    memory_store s;
    CHECK_FALSE(s.throttle_hit("k", 1, 60, 0).allowed);
    CHECK(s.throttle_key_count() == 0);
    REQUIRE(s.throttle_hit("k", 1, 60, 1).allowed);
    CHECK(s.throttle_key_count() == 1);
    // Once its only hit has left the window, the next hit's step empties the key and a
    // refused hit (limit 0) drops it.
    CHECK_FALSE(s.throttle_hit("k", 100, 60, 0).allowed);
    CHECK(s.throttle_key_count() == 0);
}

TEST_CASE("the memory store hands out the same user snapshot until the user changes", "[store][memory][users]") {
    memory_store s;
    user u;
    u.username = "alice";
    REQUIRE_FALSE(s.create_user(u));
    auto a = s.find_user(u.id);
    auto b = s.find_user_by_username("alice");
    CHECK(a.get() == b.get());   // shared, not copied per lookup
    user changed = *a;
    changed.email = "new@example.com";
    REQUIRE_FALSE(s.update_user(changed));
    auto c = s.find_user(u.id);
    CHECK(c.get() != a.get());
    CHECK(a->email.empty());
    CHECK(c->email == "new@example.com");
}
