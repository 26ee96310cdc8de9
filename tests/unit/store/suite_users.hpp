// The suite of the user service (user_store), over store_suite::user_backends.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_USERS_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_USERS_HPP

#include "suite_common.hpp"

#include <atomic>
#include <set>

namespace store_suite {

TEMPLATE_LIST_TEST_CASE("a user backend's store models user_store and provides users_tag", "[store][users]", user_backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(user_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, users_tag>::value);
}

TEMPLATE_LIST_TEST_CASE("create_user assigns ids 1, 2, ... and every field reads back", "[store][users]", user_backends) {
    TestType b;
    auto& s = b.store;
    auto alice = make_user("alice", "alice@example.com");
    alice.is_staff = true;
    alice.last_login = 1'700'000'500;
    auto bob = make_user("bob");
    bob.is_active = false;
    bob.is_superuser = true;
    REQUIRE_FALSE(s.create_user(alice));
    REQUIRE_FALSE(s.create_user(bob));
    CHECK(alice.id == 1);
    CHECK(bob.id == 2);

    auto a = s.find_user(1);
    REQUIRE(a);
    CHECK(a->id == 1);
    CHECK(a->username == "alice");
    CHECK(a->email == "alice@example.com");
    CHECK(a->password == "pbkdf2_sha256$1000000$salt$hash");
    CHECK(a->is_active);
    CHECK(a->is_staff);
    CHECK_FALSE(a->is_superuser);
    CHECK(a->date_joined == 1'700'000'000);
    CHECK(a->last_login == 1'700'000'500);
    CHECK(a->is_authenticated());

    auto bb = s.find_user_by_username("bob");
    REQUIRE(bb);
    CHECK(bb->id == 2);
    CHECK_FALSE(bb->is_active);
    CHECK_FALSE(bb->is_staff);
    CHECK(bb->is_superuser);
    CHECK(bb->last_login == 0);
    CHECK(bb->email.empty());
}

TEMPLATE_LIST_TEST_CASE("a duplicate username is refused and consumes no id", "[store][users]", user_backends) {
    TestType b;
    auto& s = b.store;
    add_user(s, "alice");
    auto again = make_user("alice", "other@example.com");
    CHECK(s.create_user(again) == store_errc::duplicate);
    CHECK(s.find_user_by_username("alice")->email.empty());
    auto carol = make_user("carol");
    REQUIRE_FALSE(s.create_user(carol));
    CHECK(carol.id == 2);
    CHECK(s.list_users().size() == 2);
}

TEMPLATE_LIST_TEST_CASE("create_users stores a batch in order, or nothing when a name is taken", "[store][users]",
                        user_backends) {
    TestType b;
    auto& s = b.store;
    std::vector<user> batch{make_user("alice"), make_user("bob"), make_user("carol")};
    REQUIRE_FALSE(s.create_users(batch));
    CHECK(batch[0].id == 1);
    CHECK(batch[1].id == 2);
    CHECK(batch[2].id == 3);
    CHECK(s.find_user(2)->username == "bob");

    // One taken name refuses the whole batch; nothing of it is stored.
    std::vector<user> second{make_user("dave"), make_user("bob"), make_user("erin")};
    CHECK(s.create_users(second) == store_errc::duplicate);
    CHECK_FALSE(s.find_user_by_username("dave"));
    CHECK_FALSE(s.find_user_by_username("erin"));
    CHECK(s.list_users().size() == 3);
    // A name twice in one batch is refused too.
    std::vector<user> twice{make_user("frank"), make_user("frank")};
    CHECK(s.create_users(twice) == store_errc::duplicate);
    CHECK_FALSE(s.find_user_by_username("frank"));
    std::vector<user> none;
    CHECK_FALSE(s.create_users(none));
}

TEMPLATE_LIST_TEST_CASE("usernames match exactly and case-sensitively", "[store][users]", user_backends) {
    TestType b;
    auto& s = b.store;
    add_user(s, "alice");
    CHECK(s.find_user_by_username("alice"));
    CHECK_FALSE(s.find_user_by_username("Alice"));
    CHECK_FALSE(s.find_user_by_username("alice "));
    CHECK_FALSE(s.find_user_by_username("alic"));
    CHECK_FALSE(s.find_user_by_username(""));
    // A different case is a different user, as in Django.
    auto upper = make_user("Alice");
    CHECK_FALSE(s.create_user(upper));
    CHECK(s.find_user_by_username("Alice")->id == upper.id);
}

TEMPLATE_LIST_TEST_CASE("a user copied from the anonymous user is stored as an ordinary account", "[store][users]",
                        user_backends) {
    TestType b;
    user u = *user::anonymous();
    u.username = "carol";
    u.is_active = true;
    REQUIRE_FALSE(b.store.create_user(u));
    auto got = b.store.find_user(u.id);
    REQUIRE(got);
    CHECK(got->is_authenticated());
    CHECK_FALSE(got->is_anonymous());
    REQUIRE_FALSE(b.store.update_user(u));
    CHECK(b.store.find_user(u.id)->is_authenticated());
}

TEMPLATE_LIST_TEST_CASE("an unknown user id finds nothing", "[store][users]", user_backends) {
    TestType b;
    CHECK_FALSE(b.store.find_user(1));
    CHECK_FALSE(b.store.find_user(0));
    CHECK_FALSE(b.store.find_user(-5));
    CHECK(b.store.list_users().empty());
}

TEMPLATE_LIST_TEST_CASE("update_user replaces every field and leaves earlier snapshots intact", "[store][users]",
                        user_backends) {
    TestType b;
    auto& s = b.store;
    const auto id = add_user(s, "alice");
    add_user(s, "bob");
    auto before = s.find_user(id);

    user changed = *before;
    changed.username = "alice2";
    changed.email = "new@example.com";
    changed.password = "pbkdf2_sha256$2$x$y";
    changed.is_active = false;
    changed.is_staff = true;
    changed.is_superuser = true;
    changed.date_joined = 5;
    changed.last_login = 6;
    REQUIRE_FALSE(s.update_user(changed));

    auto after = s.find_user(id);
    REQUIRE(after);
    CHECK(after->username == "alice2");
    CHECK(after->email == "new@example.com");
    CHECK(after->password == "pbkdf2_sha256$2$x$y");
    CHECK_FALSE(after->is_active);
    CHECK(after->is_staff);
    CHECK(after->is_superuser);
    CHECK(after->date_joined == 5);
    CHECK(after->last_login == 6);
    // The renamed user is found by the new name only; the old name is free again.
    CHECK_FALSE(s.find_user_by_username("alice"));
    CHECK(s.find_user_by_username("alice2")->id == id);
    auto reuse = make_user("alice");
    CHECK_FALSE(s.create_user(reuse));
    // A reader holding the old user still sees it whole.
    CHECK(before->username == "alice");
    CHECK(before->is_active);
}

TEMPLATE_LIST_TEST_CASE("update_user of an unknown id is not_found; taking another's name is duplicate", "[store][users]",
                        user_backends) {
    TestType b;
    auto& s = b.store;
    add_user(s, "alice");
    const auto bob = add_user(s, "bob");
    auto ghost = make_user("ghost");
    ghost.id = 42;
    CHECK(s.update_user(ghost) == store_errc::not_found);
    CHECK_FALSE(s.find_user_by_username("ghost"));

    user u = *s.find_user(bob);
    u.username = "alice";
    CHECK(s.update_user(u) == store_errc::duplicate);
    CHECK(s.find_user(bob)->username == "bob");
    CHECK(s.find_user_by_username("alice")->id == 1);
}

TEMPLATE_LIST_TEST_CASE("list_users is ordered by id", "[store][users]", user_backends) {
    TestType b;
    auto& s = b.store;
    for (auto n : {"zed", "amy", "mid"}) add_user(s, n);
    auto all = s.list_users();
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == 1);
    CHECK(all[0].username == "zed");
    CHECK(all[1].id == 2);
    CHECK(all[2].id == 3);
    CHECK(all[2].username == "mid");
}

TEMPLATE_LIST_TEST_CASE("the user service's error_code forms give the same answers and clear the code", "[store][users][errors]",
                        user_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    std::error_code ec = dirty();
    CHECK(s.find_user(uid, ec)->username == "alice");
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.find_user_by_username("alice", ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.find_user_by_username("nobody", ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.list_users(ec).size() == 1);
    CHECK_FALSE(ec);
}

TEMPLATE_LIST_TEST_CASE("concurrent user creation gives unique ids and one winner per username", "[store][users][concurrency]",
                        user_backends) {
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
            u.username = numbered("u", t, i);
            if (!s.create_user(u)) ids[t * 5 + i] = u.id;
        }
    });
    CHECK(same_name_wins.load() == 1);
    std::set<std::int64_t> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
    CHECK_FALSE(unique.contains(0));
    CHECK(s.list_users().size() == ids.size() + 1);
}

TEMPLATE_LIST_TEST_CASE("of concurrent seedings of the same batch exactly one succeeds, with consecutive ids",
                        "[store][users][concurrency]", user_backends) {
    TestType b;
    auto& s = b.store;
    std::atomic<int> wins{0};
    std::atomic<int> other_errors{0};   // Catch's assertions are not thread-safe: counted here, checked after
    std::vector<std::vector<user>> batches(thread_count);
    run_threads([&](int t) {
        auto& batch = batches[t];
        for (auto n : {"alice", "bob", "carol", "dave"}) batch.push_back(make_user(n));
        auto ec = s.create_users(batch);
        if (!ec) ++wins;
        else if (ec != store_errc::duplicate) ++other_errors;
    });
    CHECK(wins.load() == 1);
    CHECK(other_errors.load() == 0);
    auto all = s.list_users();
    REQUIRE(all.size() == 4);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i].id == all[0].id + static_cast<std::int64_t>(i));
    CHECK(all[0].username == "alice");
    CHECK(all[3].username == "dave");
}

TEMPLATE_LIST_TEST_CASE("readers see whole users while another thread updates them", "[store][users][concurrency]",
                        user_backends) {
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
                // email and password always change together. (Built by insert: GCC 12
                // at -O3 warns falsely (-Wstringop-overflow) on assigning "v" here.)
                u.password = std::to_string(i).insert(0, 1, 'v');
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

} // namespace store_suite

#endif
