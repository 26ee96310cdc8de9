// Concurrency: many threads on one store lose nothing and let nothing extra through.
// Thread and iteration counts are modest: CI runs this on 2 cores.
#include <support/backends.hpp>

#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace warden;
using warden_test::backends;

namespace {

constexpr int thread_count = 8;

// Runs body(i) on `thread_count` threads released together.
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

template <class Store>
std::int64_t add_user(Store& s, std::string name) {
    user u;
    u.username = std::move(name);
    REQUIRE_FALSE(s.create_user(u));
    return u.id;
}

// "t<thread>-<i>". Strings here are built with append: GCC 12 at -O3 warns falsely
// (-Wstringop-overflow) on `"t" + std::to_string(t)`.
std::string session_key(int t, int i) {
    std::string key = "t";
    key.append(std::to_string(t)).append("-").append(std::to_string(i));
    return key;
}

} // namespace

TEMPLATE_LIST_TEST_CASE("8 threads hammering one throttle key let exactly the limit through", "[store][throttle][concurrency]",
                        backends) {
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

TEMPLATE_LIST_TEST_CASE("concurrent session creates and deletes from many threads lose nothing", "[store][sessions][concurrency]",
                        backends) {
    TestType b;
    auto& s = b.store;
    constexpr int per_thread = 30;
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        for (int i = 0; i < per_thread; ++i) {
            session_record r;
            r.key = session_key(t, i);
            r.user_id = 1 + t % 2;
            r.expires_at = 10'000;
            if (s.create_session(r)) ++failures;
            // Every third session is deleted again at once, interleaving with the others' writes.
            if (i % 3 == 0 && !s.delete_session(r.key)) ++failures;
            if (i % 3 == 1 && !s.load_session(r.key, 0)) ++failures;
        }
    });
    CHECK(failures.load() == 0);
    const std::size_t kept_each = per_thread - (per_thread + 2) / 3;   // i % 3 != 0
    int found = 0;
    for (int t = 0; t < thread_count; ++t)
        for (int i = 0; i < per_thread; ++i)
            found += s.load_session(session_key(t, i), 0).has_value();
    CHECK(found == static_cast<int>(kept_each) * thread_count);
    CHECK(s.delete_user_sessions(1) + s.delete_user_sessions(2) == kept_each * thread_count);
}

TEMPLATE_LIST_TEST_CASE("concurrent token adds and removes from many threads lose nothing", "[store][tokens][concurrency]",
                        backends) {
    TestType b;
    auto& s = b.store;
    std::vector<std::int64_t> users;
    for (int t = 0; t < thread_count; ++t) users.push_back(add_user(s, "user" + std::to_string(t)));
    constexpr int per_thread = 24;
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        for (int i = 0; i < per_thread; ++i) {
            const auto d = token::digest_key("key-" + std::to_string(t) + "-" + std::to_string(i));
            if (s.add_token({d, users[t], i, 0})) ++failures;
            auto hit = s.find_token(d);
            if (!hit || hit->owner->id != users[t]) ++failures;
            if (i % 4 == 0 && !s.remove_token(d)) ++failures;
        }
    });
    CHECK(failures.load() == 0);
    std::size_t total = 0;
    for (int t = 0; t < thread_count; ++t) {
        auto list = s.user_tokens(users[t]);
        CHECK(list.size() == per_thread - per_thread / 4);
        for (std::size_t k = 1; k < list.size(); ++k) CHECK(list[k - 1].created < list[k].created);
        total += list.size();
    }
    CHECK(total == static_cast<std::size_t>(thread_count * (per_thread - per_thread / 4)));
}

TEMPLATE_LIST_TEST_CASE("concurrent user creation gives unique ids and one winner per username", "[store][users][concurrency]",
                        backends) {
    TestType b;
    auto& s = b.store;
    std::atomic<int> same_name_wins{0};
    std::vector<std::int64_t> ids(thread_count * 5);
    run_threads([&](int t) {
        user contested;
        contested.username = "contested";
        if (!s.create_user(contested)) ++same_name_wins;
        for (int i = 0; i < 5; ++i) {
            user u;
            u.username = "u" + std::to_string(t) + "-" + std::to_string(i);
            if (!s.create_user(u)) ids[t * 5 + i] = u.id;
        }
    });
    CHECK(same_name_wins.load() == 1);
    std::set<std::int64_t> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
    CHECK_FALSE(unique.contains(0));
    CHECK(s.list_users().size() == ids.size() + 1);
}

TEMPLATE_LIST_TEST_CASE("concurrent blacklisting of one jti reports it new exactly once", "[store][jwt][concurrency]",
                        backends) {
    TestType b;
    auto& s = b.store;
    std::atomic<int> fresh{0};
    run_threads([&](int t) {
        for (int i = 0; i < 5; ++i) {
            if (s.blacklist("shared-jti", 5000, 1000 + t)) ++fresh;
            if (s.blacklist("own-" + std::to_string(t) + "-" + std::to_string(i), 5000, 1000)) ++fresh;
        }
    });
    CHECK(fresh.load() == 1 + thread_count * 5);
    CHECK(s.purge_expired_jwt(5000) == static_cast<std::size_t>(1 + thread_count * 5));
}

TEMPLATE_LIST_TEST_CASE("readers see whole users while another thread updates them", "[store][users][concurrency]",
                        backends) {
    TestType b;
    auto& s = b.store;
    const auto id = add_user(s, "alice");
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    std::atomic<int> reads{0};
    run_threads([&](int t) {
        if (t == 0) {
            for (int i = 0; i < 60; ++i) {
                user u = *s.find_user(id);
                // email and password always change together.
                u.password = "v";
                u.password.append(std::to_string(i));
                u.email = u.password + "@example.com";
                if (s.update_user(u)) ++torn;
            }
            done = true;
            return;
        }
        // Bounded, so a reader can never starve the writer of a pooled connection; at
        // least a few reads each even if the writer is scheduled first and finishes.
        for (int i = 0; i < 200 && (i < 20 || !done.load()); ++i) {
            auto u = s.find_user(id);
            ++reads;
            if (!u || (u->email != u->password + "@example.com" && !u->email.empty())) ++torn;
        }
    });
    CHECK(torn.load() == 0);
    CHECK(reads.load() > 0);
    CHECK(s.find_user(id)->password == "v59");
}
