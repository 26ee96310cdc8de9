// The suite of the token service (token_store), over store_suite::token_backends.
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_TOKENS_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_TOKENS_HPP

#include "suite_common.hpp"

#include <atomic>

namespace store_suite {

TEMPLATE_LIST_TEST_CASE("a token backend's store models token_store and provides tokens_tag", "[store][tokens]",
                        token_backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(token_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, tokens_tag>::value);
}

TEMPLATE_LIST_TEST_CASE("find_token returns the token and its owner as stored now", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    const std::string key = token::generate_key();
    REQUIRE_FALSE(s.add_token(make_token(key, uid, 100, 900)));

    auto hit = s.find_token(digest_of(key));
    REQUIRE(hit);
    CHECK(hit->token.digest == digest_of(key));
    CHECK(hit->token.user_id == uid);
    CHECK(hit->token.created == 100);
    CHECK(hit->token.expires_at == 900);
    REQUIRE(hit->owner);
    CHECK(hit->owner->username == "alice");
    CHECK(hit->owner->is_active);
    CHECK(token::key_matches(key, hit->token.digest));

    // Switching the user off shows on the next lookup.
    user off = *hit->owner;
    off.is_active = false;
    REQUIRE_FALSE(s.update_user(off));
    auto again = s.find_token(digest_of(key));
    REQUIRE(again);
    CHECK_FALSE(again->owner->is_active);
}

TEMPLATE_LIST_TEST_CASE("add_token refuses a duplicate digest and an unknown user", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    const auto other = add_user(s, "bob");
    REQUIRE_FALSE(s.add_token(make_token("k1", uid, 1)));
    CHECK(s.add_token(make_token("k1", other, 2)) == store_errc::duplicate);
    CHECK(s.find_token(digest_of("k1"))->token.user_id == uid);
    CHECK(s.add_token(make_token("k2", 99, 1)) == store_errc::not_found);
    CHECK_FALSE(s.find_token(digest_of("k2")));
}

TEMPLATE_LIST_TEST_CASE("an unknown digest finds nothing", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("k1", uid, 1)));
    CHECK_FALSE(s.find_token(digest_of("k2")));
    CHECK_FALSE(s.find_token(token::key_digest{}));
}

TEMPLATE_LIST_TEST_CASE("remove_token removes one token once", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("k1", uid, 1)));
    REQUIRE_FALSE(s.add_token(make_token("k2", uid, 2)));
    CHECK(s.remove_token(digest_of("k1")));
    CHECK_FALSE(s.remove_token(digest_of("k1")));
    CHECK_FALSE(s.find_token(digest_of("k1")));
    CHECK(s.find_token(digest_of("k2")));
    CHECK(s.user_tokens(uid).size() == 1);
    // The digest is free again.
    CHECK_FALSE(s.add_token(make_token("k1", uid, 3)));
}

TEMPLATE_LIST_TEST_CASE("user_tokens lists one user's tokens oldest first, ties in insertion order", "[store][tokens]",
                        token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    const auto other = add_user(s, "bob");
    REQUIRE_FALSE(s.add_token(make_token("c300", uid, 300)));
    REQUIRE_FALSE(s.add_token(make_token("c100", uid, 100)));
    REQUIRE_FALSE(s.add_token(make_token("bob", other, 50)));
    REQUIRE_FALSE(s.add_token(make_token("c200a", uid, 200, 999)));
    REQUIRE_FALSE(s.add_token(make_token("c200b", uid, 200)));

    auto list = s.user_tokens(uid);
    REQUIRE(list.size() == 4);
    CHECK(list[0].digest == digest_of("c100"));
    CHECK(list[1].digest == digest_of("c200a"));
    CHECK(list[1].expires_at == 999);
    CHECK(list[2].digest == digest_of("c200b"));
    CHECK(list[3].digest == digest_of("c300"));
    for (auto& t : list) CHECK(t.user_id == uid);
    CHECK(s.user_tokens(other).size() == 1);
    CHECK(s.user_tokens(77).empty());
}

TEMPLATE_LIST_TEST_CASE("add_token_capped keeps the newest tokens of that user only", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    const auto other = add_user(s, "bob");
    REQUIRE_FALSE(s.add_token(make_token("bob", other, 1)));
    REQUIRE_FALSE(s.add_token_capped(make_token("t1", uid, 10), 2));
    REQUIRE_FALSE(s.add_token_capped(make_token("t2", uid, 20), 2));
    REQUIRE_FALSE(s.add_token_capped(make_token("t3", uid, 20), 2));   // same second as t2: insertion order breaks the tie
    auto list = s.user_tokens(uid);
    REQUIRE(list.size() == 2);
    CHECK(list[0].digest == digest_of("t2"));
    CHECK(list[1].digest == digest_of("t3"));
    CHECK_FALSE(s.find_token(digest_of("t1")));
    CHECK(s.find_token(digest_of("bob")));   // another user's tokens are not counted or touched
    // 0 keeps every token; a refused add removes nothing.
    REQUIRE_FALSE(s.add_token_capped(make_token("t4", uid, 30), 0));
    CHECK(s.user_tokens(uid).size() == 3);
    CHECK(s.add_token_capped(make_token("t4", uid, 40), 1) == store_errc::duplicate);
    CHECK(s.add_token_capped(make_token("t5", 99, 40), 1) == store_errc::not_found);
    CHECK(s.user_tokens(uid).size() == 3);
}

TEMPLATE_LIST_TEST_CASE("remove_user_tokens removes exactly that user's tokens", "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    const auto other = add_user(s, "bob");
    for (int i = 0; i < 5; ++i) REQUIRE_FALSE(s.add_token(make_token("a" + std::to_string(i), uid, i)));
    REQUIRE_FALSE(s.add_token(make_token("b", other, 1)));
    CHECK(s.remove_user_tokens(uid) == 5);
    CHECK(s.remove_user_tokens(uid) == 0);
    CHECK(s.user_tokens(uid).empty());
    CHECK_FALSE(s.find_token(digest_of("a3")));
    CHECK(s.find_token(digest_of("b")));
}

TEMPLATE_LIST_TEST_CASE("purge_expired_tokens removes tokens expired at or before now, never the unexpiring",
                        "[store][tokens]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("never", uid, 1, 0)));
    REQUIRE_FALSE(s.add_token(make_token("e100", uid, 1, 100)));
    REQUIRE_FALSE(s.add_token(make_token("e200", uid, 1, 200)));
    REQUIRE_FALSE(s.add_token(make_token("e201", uid, 1, 201)));
    CHECK(s.purge_expired_tokens(99) == 0);
    CHECK(s.purge_expired_tokens(200) == 2);
    CHECK_FALSE(s.find_token(digest_of("e100")));
    CHECK_FALSE(s.find_token(digest_of("e200")));
    CHECK(s.find_token(digest_of("e201")));
    CHECK(s.find_token(digest_of("never")));
    CHECK(s.user_tokens(uid).size() == 2);
    CHECK(s.purge_expired_tokens(1'000'000'000) == 1);
    CHECK(s.find_token(digest_of("never")));
}

TEMPLATE_LIST_TEST_CASE("the token service's error_code forms give the same answers and clear the code",
                        "[store][tokens][errors]", token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("k", uid, 1, 100)));
    std::error_code ec = dirty();
    CHECK(s.find_token(digest_of("k"), ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.find_token(digest_of("none"), ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.user_tokens(uid, ec).size() == 1);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.purge_expired_tokens(100, ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK_FALSE(s.remove_token(digest_of("k"), ec));
    CHECK_FALSE(ec);
    ec = dirty();
    CHECK(s.remove_user_tokens(uid, ec) == 0);
    CHECK_FALSE(ec);
}

TEMPLATE_LIST_TEST_CASE("concurrent token adds and removes from many threads lose nothing", "[store][tokens][concurrency]",
                        token_backends) {
    TestType b;
    auto& s = b.store;
    std::vector<std::int64_t> users;
    for (int t = 0; t < thread_count; ++t) users.push_back(add_user(s, "user" + std::to_string(t)));
    constexpr int per_thread = 24;
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        for (int i = 0; i < per_thread; ++i) {
            const auto d = token::digest_key(numbered("key-", t, i));
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

TEMPLATE_LIST_TEST_CASE("concurrent capped adds for one user never leave more than the cap", "[store][tokens][concurrency]",
                        token_backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    constexpr std::size_t keep = 3;
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        for (int i = 0; i < 10; ++i)
            if (s.add_token_capped({token::digest_key(numbered("capped-", t, i)), uid, 1000 + i, 0}, keep)) ++failures;
    });
    CHECK(failures.load() == 0);
    auto list = s.user_tokens(uid);
    CHECK(list.size() == keep);
    for (auto& t : list) CHECK(t.created == 1009);   // the newest second's tokens survive
}

} // namespace store_suite

#endif
