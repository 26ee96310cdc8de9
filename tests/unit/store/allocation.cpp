// The memory store's read path allocates nothing: a counting operator new for this test
// binary checks it (as the JWT tests check their verify path).
#include <warden/store/memory_store.hpp>
#include <warden/token/key.hpp>

#include <support/counting_new.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace warden;
using warden_test::heap_allocations;

TEST_CASE("memory_store lookups on the request path allocate nothing", "[store][memory][allocation]") {
    memory_store s;
    user u;
    u.username = "alice_with_a_name_longer_than_the_small_string_buffer";
    REQUIRE_FALSE(s.create_user(u));
    const std::string key = token::generate_key();
    const auto digest = token::digest_key(key);
    REQUIRE_FALSE(s.add_token({digest, u.id, 1, 0}));
    const auto missing = token::digest_key("not-a-stored-key");
    const std::string jti = "0123456789abcdef0123456789abcdef-a-long-jti";
    REQUIRE(s.blacklist(jti, 1000, 1));

    const std::size_t before = heap_allocations;
    std::size_t found = 0;
    for (int i = 0; i < 100; ++i) {
        auto hit = s.find_token(digest);
        found += hit && hit->owner->id == u.id;
        found += !s.find_token(missing);
        found += s.find_user(u.id) != nullptr;
        found += s.find_user_by_username(u.username) != nullptr;
        found += s.is_blacklisted(jti);
        found += !s.load_session("no-such-session-key-of-32-chars!", 0);
    }
    const std::size_t allocations = heap_allocations - before;
    CHECK(found == 600);
    CHECK(allocations == 0);
    // The counter does count: a call that copies users allocates.
    const std::size_t at = heap_allocations;
    CHECK(s.list_users().size() == 1);
    CHECK(heap_allocations > at);
}

TEST_CASE("memory_store throttle hits on a live key allocate nothing once the window is full",
          "[store][memory][allocation]") {
    memory_store s;
    const std::string key = "throttle_user_1";
    double now = 1000;
    // Fill the window and let it roll over once, so the history has its final capacity.
    for (int i = 0; i < 200; ++i, now += 1) s.throttle_hit(key, now, 50, 60);
    const std::size_t before = heap_allocations;
    std::size_t allowed = 0;
    for (int i = 0; i < 200; ++i, now += 1) allowed += s.throttle_hit(key, now, 50, 60).allowed;
    CHECK(heap_allocations - before == 0);
    CHECK(allowed == 200);   // 50 per 50 s at one per second, below the limit of 60
}
