// What the per-service store suites share: records made with explicit times, DRF's
// wait, and threads released together. The suites (suite_<service>.hpp) are headers
// so that one executable runs them over the in-process backends (local.cpp: memory,
// SQLite) and others over the network ones (PostgreSQL, Redis): each includer names
// the backends of each service in namespace store_suite before including them.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_COMMON_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_COMMON_HPP

#include <warden/core/context.hpp>
#include <warden/store/concepts.hpp>
#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace store_suite {

using namespace warden;

inline user make_user(std::string name, std::string email = "") {
    user u;
    u.username = std::move(name);
    u.email = std::move(email);
    u.password = "pbkdf2_sha256$1000000$salt$hash";
    u.date_joined = 1'700'000'000;
    return u;
}

template <class Store>
std::int64_t add_user(Store& s, std::string name) {
    auto u = make_user(std::move(name));
    REQUIRE_FALSE(s.create_user(u));
    return u.id;
}

inline token::key_digest digest_of(const std::string& key) { return token::digest_key(key); }

inline token_record make_token(const std::string& key, std::int64_t user_id, std::int64_t created, std::int64_t expires_at = 0) {
    return token_record{digest_of(key), user_id, created, expires_at};
}

inline session_record make_session(std::string key, std::int64_t user_id, std::int64_t expires_at) {
    session_record r;
    r.key = std::move(key);
    r.user_id = user_id;
    r.auth_hash = "hash-of-" + r.key;
    r.csrf_secret = "csrf-of-" + r.key;
    r.expires_at = expires_at;
    return r;
}

// DRF's SimpleRateThrottle.wait() from a refused hit's state.
inline double drf_wait(const throttle_state& s, double now, double window, std::size_t limit) {
    double remaining = s.count ? window - (now - s.oldest) : window;
    double available = static_cast<double>(limit) - static_cast<double>(s.count) + 1;
    return remaining / available;
}

// Threads and iterations stay modest: CI runs this on 2 cores.
inline constexpr int thread_count = 8;

// Runs body(i) on `thread_count` threads released together. Bodies count failures in
// atomics and assert after: Catch 2's CHECK and REQUIRE are not thread-safe.
template <class Body>
void run_threads(Body body) {
    std::latch start(thread_count);
    std::vector<std::thread> threads;
    threads.reserve(thread_count);
    for (int i = 0; i < thread_count; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            body(i);
        });
    for (auto& t : threads) t.join();
}

// "<prefix><a>-<b>". Strings here are built with append: GCC 12 at -O3 warns falsely
// (-Wstringop-overflow) on `"t" + std::to_string(t)`.
inline std::string numbered(const char* prefix, int a, int b) {
    std::string key = prefix;
    key.append(std::to_string(a)).append("-").append(std::to_string(b));
    return key;
}

// A dirty code, to check that the error_code forms clear it.
inline std::error_code dirty() { return store_errc::io; }

} // namespace store_suite

#endif
