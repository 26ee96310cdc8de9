// basic_store::cache_tokens: token lookups cached per thread within a staleness bound.
// Writes through the same store object take effect at once; writes it cannot see (a
// second store object on the same file stands for another process) within the bound.
#include <support/backends.hpp>
#include <support/users.hpp>

#include <warden/token/key.hpp>
#include <warden/token/tokens.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

using namespace warden;
using namespace std::chrono_literals;
using warden_test::temp_db;

namespace {

template <class Store>
std::optional<token_lookup> lookup(Store& s, const std::string& key) {
    std::error_code ec;
    auto found = token::find(s, key, token::digest_key(key), ec);
    REQUIRE_FALSE(ec);
    return found;
}

template <class Store>
std::string issue(Store& s, std::int64_t user_id) {
    std::string key;
    const settings defaults;
    const auto ec = token::issue(s, user_id, defaults, 1, key);
    REQUIRE_FALSE(ec);
    return key;
}

} // namespace

TEST_CASE("token lookups are not cached unless asked", "[store][token_cache]") {
    temp_db file;
    sqlite_store here{file.path()};
    sqlite_store elsewhere{file.path()};   // another process, as far as `here` can tell
    CHECK(here.token_cache_staleness() == 0ms);
    const auto id = warden_test::add_user(here, "alice");
    const auto key = issue(here, id);
    REQUIRE(lookup(here, key));
    std::error_code ec;
    REQUIRE(elsewhere.remove_token(token::digest_key(key), ec));
    CHECK_FALSE(lookup(here, key));   // seen at once
}

TEST_CASE("a cached lookup misses writes made elsewhere only within the bound", "[store][token_cache]") {
    temp_db file;
    sqlite_store here{file.path()};
    sqlite_store elsewhere{file.path()};
    here.cache_tokens(10min);
    CHECK(here.token_cache_staleness() == 10min);
    const auto id = warden_test::add_user(here, "alice");
    const auto key = issue(here, id);
    REQUIRE(lookup(here, key));   // cached now

    // Revoked and the user switched off by another process: the cache does not know yet.
    std::error_code ec;
    REQUIRE(elsewhere.remove_token(token::digest_key(key), ec));
    auto stale = lookup(here, key);
    REQUIRE(stale);
    CHECK(stale->owner->is_active);
    // Each thread has its own cache: another thread looks it up afresh.
    std::optional<token_lookup> other;
    std::error_code other_ec;
    std::thread([&] { other = token::find(here, key, token::digest_key(key), other_ec); }).join();   // no Catch off the main thread
    CHECK_FALSE(other_ec);
    CHECK_FALSE(other);

    // Past the bound the entry is refetched.
    sqlite_store short_bound{file.path()};
    short_bound.cache_tokens(50ms);
    const auto key2 = issue(short_bound, id);
    REQUIRE(lookup(short_bound, key2));
    REQUIRE(elsewhere.remove_token(token::digest_key(key2), ec));
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(lookup(short_bound, key2));
}

TEST_CASE("writes through the caching store take effect at once", "[store][token_cache]") {
    warden_test::memory_backend mem;
    temp_db file;
    sqlite_store db{file.path()};
    auto check = [](auto& s) {
        s.cache_tokens(10min);
        const auto alice = warden_test::add_user(s, "alice");
        const auto bob = warden_test::add_user(s, "bob");
        const auto a = issue(s, alice);
        const auto b = issue(s, bob);
        REQUIRE(lookup(s, a));
        REQUIRE(lookup(s, b));

        // Revoked through this store: gone at once.
        std::error_code ec;
        REQUIRE(s.remove_token(token::digest_key(a), ec));
        CHECK_FALSE(lookup(s, a));

        // bob switched off: the next lookup carries the change.
        auto u = *s.find_user(bob);
        u.is_active = false;
        REQUIRE_FALSE(s.update_user(u));
        auto after = lookup(s, b);
        REQUIRE(after);
        CHECK_FALSE(after->owner->is_active);

        // All of bob's tokens revoked: gone at once.
        REQUIRE(s.remove_user_tokens(bob, ec) == 1);
        CHECK_FALSE(lookup(s, b));
    };
    SECTION("memory") { check(mem.store); }
    SECTION("sqlite") { check(db); }
}

TEST_CASE("unknown keys are not cached: a token added elsewhere works at once", "[store][token_cache]") {
    temp_db file;
    sqlite_store here{file.path()};
    sqlite_store elsewhere{file.path()};
    here.cache_tokens(10min);
    const auto id = warden_test::add_user(here, "alice");
    std::string key;
    REQUIRE_FALSE(token::generate_key(key));
    CHECK_FALSE(lookup(here, key));
    token_record rec;
    rec.digest = token::digest_key(key);
    rec.user_id = id;
    rec.created = 1;
    REQUIRE_FALSE(elsewhere.add_token(rec));
    CHECK(lookup(here, key));
}
