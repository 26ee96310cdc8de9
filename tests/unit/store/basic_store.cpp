// What the adaptor adds to every backend: `provides` derived from the backend concepts,
// the throwing forms, the purge schedule and one log line per outage.
#include <support/failing_store.hpp>

#include <warden/core/context.hpp>
#include <warden/store/basic_store.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

using namespace warden;

namespace {

// A backend of one service: throttle counters that count but never forget.
struct counting_backend {
    std::size_t hits = 0;
    throttle_state throttle_hit(std::string_view, double, double, std::size_t limit, std::error_code& ec) {
        ec.clear();
        return {++hits <= limit, hits, 0.0};
    }
    std::size_t purge_throttle(double, double, std::error_code& ec) {
        ec.clear();
        return 0;
    }
};

// "<prefix><i>", built with append: GCC 12 at -O3 warns falsely (-Wstringop-overflow)
// on `"o" + std::to_string(i)`.
std::string named(const char* prefix, int i) {
    std::string s = prefix;
    s.append(std::to_string(i));
    return s;
}

std::mutex log_mu;
std::vector<std::string> log_lines;
void capture(std::string_view line) noexcept {
    std::lock_guard lock(log_mu);
    log_lines.emplace_back(line);
}

} // namespace

TEST_CASE("provides lists exactly the services the backend implements", "[store][basic_store]") {
    using S = basic_store<counting_backend>;
    STATIC_REQUIRE(std::is_same_v<S::provides, provides<throttle_counters_tag>>);
    STATIC_REQUIRE(throttle_store<S>);
    STATIC_REQUIRE_FALSE(user_store<S>);
    STATIC_REQUIRE_FALSE(S::blocking);
    STATIC_REQUIRE(std::is_same_v<memory_store::provides,
                                  provides<users_tag, tokens_tag, sessions_tag, throttle_counters_tag, jwt_blacklist_tag>>);
    STATIC_REQUIRE(warden_test::failing_store::blocking);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<S>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<S>);
    S s;
    CHECK(s.throttle_hit("k", 1, 60, 1).allowed);
    CHECK_FALSE(s.throttle_hit("k", 2, 60, 1).allowed);
    CHECK(s.backend().hits == 2);
}

TEST_CASE("a store failure is an error code in one form and a system_error in the other, never an empty answer",
          "[store][basic_store][errors]") {
    warden_test::failing_store s;
    user u;
    u.username = "alice";
    REQUIRE_FALSE(s.create_user(u));
    s.fail_with(store_errc::timeout);
    std::error_code ec;
    CHECK_FALSE(s.find_user(u.id, ec));
    CHECK(ec == store_errc::timeout);
    CHECK(ec == store_condition::unavailable);
    CHECK_THROWS_MATCHES(s.find_user(u.id), std::system_error, Catch::Predicate<std::system_error>([](const std::system_error& e) {
                             return e.code() == store_errc::timeout;
                         }));
    CHECK_THROWS_AS(s.is_blacklisted("j"), std::system_error);
    CHECK_THROWS_AS(s.throttle_hit("k", 1, 60, 5), std::system_error);
    auto h = s.throttle_hit("k", 1, 60, 5, ec);
    CHECK_FALSE(h.allowed);   // fails closed
    CHECK(s.create_user(u) == store_errc::timeout);
    s.recover();
    CHECK(s.find_user(u.id)->username == "alice");
}

TEST_CASE("store_condition::unavailable matches every failure to serve, not the answers about data", "[store][errors]") {
    for (auto e : {store_errc::busy, store_errc::io, store_errc::corrupt, store_errc::schema, store_errc::unavailable,
                   store_errc::timeout})
        CHECK(std::error_code(e) == store_condition::unavailable);
    CHECK_FALSE(std::error_code(store_errc::duplicate) == store_condition::unavailable);
    CHECK_FALSE(std::error_code(store_errc::not_found) == store_condition::unavailable);
    CHECK_FALSE(std::make_error_code(std::errc::connection_refused) == store_condition::unavailable);
    CHECK_FALSE(std::error_code() == store_condition::unavailable);
}

TEST_CASE("an outage is logged once when it starts and once when the store serves again", "[store][basic_store][log]") {
    warden_test::failing_store s;
    s.set_log(&capture);
    {
        std::lock_guard lock(log_mu);
        log_lines.clear();
    }
    std::error_code ec;
    CHECK(s.available());
    s.fail_with(store_errc::unavailable);
    for (int i = 0; i < 50; ++i) s.find_token(token::key_digest{}, ec);
    CHECK_FALSE(s.available());
    // Answers about data are no outage.
    s.recover();
    user u;
    u.username = "alice";
    REQUIRE_FALSE(s.create_user(u));
    CHECK(s.available());
    CHECK(s.create_user(u) == store_errc::duplicate);
    CHECK(s.available());
    for (int i = 0; i < 5; ++i) s.find_user(1, ec);
    std::lock_guard lock(log_mu);
    REQUIRE(log_lines.size() == 2);
    CHECK(log_lines[0] == "warden: store failing is unavailable (the database server cannot be reached): requests that "
                          "need it get 503 until it is back");
    CHECK(log_lines[1] == "warden: store failing is serving again");
}

TEST_CASE("every 1024th token write purges the expired tokens", "[store][basic_store][purge]") {
    memory_store s;
    user u;
    u.username = "alice";
    REQUIRE_FALSE(s.create_user(u));
    // 1000 tokens that expired at 500, then live ones until the 1023rd write.
    for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(s.add_token({token::digest_key(named("old", i)), u.id, 100, 500}));
    for (int i = 0; i < 22; ++i) REQUIRE_FALSE(s.add_token({token::digest_key(named("new", i)), u.id, 1000, 0}));
    REQUIRE_FALSE(s.add_token({token::digest_key("new-last"), u.id, 1000, 0}));
    CHECK(s.user_tokens(u.id).size() == 1023);   // 1023 writes: no sweep yet
    REQUIRE_FALSE(s.add_token_capped({token::digest_key("the-1024th"), u.id, 1000, 0}, 0));
    CHECK(s.user_tokens(u.id).size() == 24);   // the expired ones went with the 1024th write
}

TEST_CASE("sessions and JWT entries are purged on the schedule with the latest time the store was given",
          "[store][basic_store][purge]") {
    memory_store s;
    session_record old;
    old.key = "expired";
    old.user_id = 1;
    old.expires_at = 900;
    REQUIRE_FALSE(s.create_session(old));
    REQUIRE(s.blacklist("expired-jti", 800, 100));
    REQUIRE(s.blacklist("recent-jti", 2010, 100));   // will have expired, but within the grace
    // The store learns the time from the operations that carry one.
    CHECK_FALSE(s.load_session("none", 2000));
    for (int i = 1; i < 1023; ++i) {
        session_record r;
        r.key = named("live", i);
        r.expires_at = 5000;
        REQUIRE_FALSE(s.create_session(r));
    }
    CHECK(s.load_session("expired", 0));   // still there after 1023 writes
    REQUIRE_FALSE(s.save_session([] {
        session_record r;
        r.key = "live1";
        r.expires_at = 6000;
        return r;
    }()));
    CHECK_FALSE(s.load_session("expired", 0));   // purged with now = 2000
    CHECK(s.load_session("live1", 0));

    // JWT: two blacklistings and 1021 records, then the 1024th write; entries past
    // expiry by more than the grace go, younger ones stay (a verifier with leeway may
    // still accept them).
    for (int i = 0; i < 1021; ++i) REQUIRE_FALSE(s.add_outstanding({named("o", i), 1, 2000, 9000}));
    CHECK(s.is_blacklisted("expired-jti"));
    REQUIRE_FALSE(s.add_outstanding({"the-1024th", 1, 2000 + memory_store::jwt_purge_grace, 9000}));
    CHECK_FALSE(s.is_blacklisted("expired-jti"));
    CHECK(s.is_blacklisted("recent-jti"));
}
