// Concurrent logins and logouts on one app lose nothing, on both store backends.
#include "support.hpp"

#include <array>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace warden;

TEMPLATE_LIST_TEST_CASE("concurrent logins and logouts from many threads lose nothing", "[session][concurrency]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    constexpr int threads = 4;
    constexpr int rounds = 12;
    const std::array<std::string_view, 3> users{"alice", "bob", "carol"};

    std::atomic<int> failures{0};
    std::vector<std::vector<std::string>> kept(threads);   // per thread: ids of sessions left open
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            try {
                for (int i = 0; i < rounds; ++i) {
                    const std::string_view name = users[static_cast<std::size_t>(t + i) % users.size()];
                    test::client<decltype(site)> c{site};
                    auto in = c.post("/api/login/", session_test::credentials(name));
                    if (in.status() != 200) { ++failures; continue; }
                    auto me = c.get("/api/dashboard/");
                    if (me.status() != 200 ||
                        me.json().at("message").as_string() != "Hello " + std::string(name) + ", welcome to your dashboard") {
                        ++failures;
                        continue;
                    }
                    if (i % 2 == 0) {   // every other session is logged out again
                        auto out = c.post("/api/logout/", "", {{"X-CSRFToken", c.cookies().at("csrftoken")}});
                        if (out.status() != 204 || c.get("/api/dashboard/").status() != 403) ++failures;
                    } else {
                        kept[static_cast<std::size_t>(t)].push_back(c.cookies().at("sessionid"));
                    }
                }
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(failures.load() == 0);

    // Every kept session still works and names its own user; every id is distinct.
    std::set<std::string> ids;
    std::size_t open = 0;
    for (int t = 0; t < threads; ++t) {
        for (std::size_t k = 0; k < kept[static_cast<std::size_t>(t)].size(); ++k) {
            const auto& sid = kept[static_cast<std::size_t>(t)][k];
            ids.insert(sid);
            ++open;
            test::client<decltype(site)> c{site};
            c.cookies()["sessionid"] = sid;
            CHECK(c.get("/api/dashboard/").status() == 200);
        }
    }
    CHECK(open == threads * rounds / 2);
    CHECK(ids.size() == open);
    // The store holds exactly the kept sessions: none lost, none left behind by logouts.
    std::size_t stored = 0;
    for (auto name : users) stored += b.store.delete_user_sessions(b.store.find_user_by_username(name)->id);
    CHECK(stored == open);
}

TEMPLATE_LIST_TEST_CASE("one browser's racing logins end with a single live session", "[session][concurrency]",
                        session_test::backends) {
    TestType b;
    session_test::seed(b.store);
    auto site = session_test::make_site(b.store);
    test::client first{site};
    session_test::login(first, "alice");
    const std::string cookie = "sessionid=" + first.cookies().at("sessionid");

    // The same cookie logs in again from several threads (double-clicked submit): the
    // same user's session is kept, so every answer names it.
    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 3; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < 5; ++i) {
                test::client<decltype(site)> c{site};
                auto r = c.post("/api/login/", session_test::credentials("alice"), {{"Cookie", cookie}});
                if (r.status() != 200 || "sessionid=" + c.cookies().at("sessionid") != cookie) ++failures;
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(failures.load() == 0);
    CHECK(b.store.delete_user_sessions(b.store.find_user_by_username("alice")->id) == 1);
}
