// The store suite every backend passes: each member of each concept in
// warden/store/concepts.hpp, with explicit times.
#include <support/backends.hpp>

#include <warden/core/context.hpp>

#include <warden/store/concepts.hpp>
#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace warden;
using warden_test::backends;

namespace {

user make_user(std::string name, std::string email = "") {
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

token::key_digest digest_of(const std::string& key) { return token::digest_key(key); }

token_record make_token(const std::string& key, std::int64_t user_id, std::int64_t created, std::int64_t expires_at = 0) {
    return token_record{digest_of(key), user_id, created, expires_at};
}

session_record make_session(std::string key, std::int64_t user_id, std::int64_t expires_at) {
    session_record r;
    r.key = std::move(key);
    r.user_id = user_id;
    r.auth_hash = "hash-of-" + r.key;
    r.csrf_secret = "csrf-of-" + r.key;
    r.expires_at = expires_at;
    return r;
}

// DRF's SimpleRateThrottle.wait() from a refused hit's state.
double drf_wait(const throttle_state& s, double now, double window, std::size_t limit) {
    double remaining = s.count ? window - (now - s.oldest) : window;
    double available = static_cast<double>(limit) - static_cast<double>(s.count) + 1;
    return remaining / available;
}

} // namespace

TEMPLATE_LIST_TEST_CASE("every backend models all five store concepts", "[store][concepts]", backends) {
    using S = decltype(TestType::store);
    STATIC_REQUIRE(user_store<S>);
    STATIC_REQUIRE(token_store<S>);
    STATIC_REQUIRE(session_store<S>);
    STATIC_REQUIRE(throttle_store<S>);
    STATIC_REQUIRE(jwt_blacklist_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, users_tag>::value);
    STATIC_REQUIRE(detail::service_provides<S, jwt_blacklist_tag>::value);
}

// users ---------------------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("create_user assigns ids 1, 2, ... and every field reads back", "[store][users]", backends) {
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

TEMPLATE_LIST_TEST_CASE("a duplicate username is refused and consumes no id", "[store][users]", backends) {
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

TEMPLATE_LIST_TEST_CASE("usernames match exactly and case-sensitively", "[store][users]", backends) {
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
                        backends) {
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

TEMPLATE_LIST_TEST_CASE("an unknown user id finds nothing", "[store][users]", backends) {
    TestType b;
    CHECK_FALSE(b.store.find_user(1));
    CHECK_FALSE(b.store.find_user(0));
    CHECK_FALSE(b.store.find_user(-5));
    CHECK(b.store.list_users().empty());
}

TEMPLATE_LIST_TEST_CASE("update_user replaces every field and leaves earlier snapshots intact", "[store][users]", backends) {
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
                        backends) {
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

TEMPLATE_LIST_TEST_CASE("list_users is ordered by id", "[store][users]", backends) {
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

// tokens --------------------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("find_token returns the token and its owner as stored now", "[store][tokens]", backends) {
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

TEMPLATE_LIST_TEST_CASE("add_token refuses a duplicate digest and an unknown user", "[store][tokens]", backends) {
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

TEMPLATE_LIST_TEST_CASE("an unknown digest finds nothing", "[store][tokens]", backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("k1", uid, 1)));
    CHECK_FALSE(s.find_token(digest_of("k2")));
    CHECK_FALSE(s.find_token(token::key_digest{}));
}

TEMPLATE_LIST_TEST_CASE("remove_token removes one token once", "[store][tokens]", backends) {
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
                        backends) {
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

TEMPLATE_LIST_TEST_CASE("remove_user_tokens removes exactly that user's tokens", "[store][tokens]", backends) {
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
                        "[store][tokens]", backends) {
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

// sessions ------------------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("a created session loads back with every field; a duplicate key is refused", "[store][sessions]",
                        backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 7, 1000)));
    auto r = s.load_session("k1", 500);
    REQUIRE(r);
    CHECK(r->key == "k1");
    CHECK(r->user_id == 7);
    CHECK(r->auth_hash == "hash-of-k1");
    CHECK(r->csrf_secret == "csrf-of-k1");
    CHECK(r->expires_at == 1000);

    auto dup = make_session("k1", 8, 2000);
    CHECK(s.create_session(dup) == store_errc::duplicate);
    CHECK(s.load_session("k1", 500)->user_id == 7);

    // Anonymous sessions (user 0) with empty fields are kept as such.
    session_record anon;
    anon.key = "anon";
    anon.expires_at = 1000;
    REQUIRE_FALSE(s.create_session(anon));
    auto a = s.load_session("anon", 1);
    REQUIRE(a);
    CHECK(a->user_id == 0);
    CHECK(a->auth_hash.empty());
    CHECK(a->csrf_secret.empty());
}

TEMPLATE_LIST_TEST_CASE("load_session is empty for an unknown key and from the expiry time on", "[store][sessions]",
                        backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 1, 1000)));
    CHECK_FALSE(s.load_session("nope", 0));
    CHECK_FALSE(s.load_session("", 0));
    CHECK(s.load_session("k1", 999));
    CHECK_FALSE(s.load_session("k1", 1000));
    CHECK_FALSE(s.load_session("k1", 5000));
    CHECK_FALSE(s.load_session("K1", 0));
}

TEMPLATE_LIST_TEST_CASE("save_session replaces a session by key and is not_found for an absent one", "[store][sessions]",
                        backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 0, 1000)));
    auto r = make_session("k1", 5, 3000);
    r.auth_hash = "new-hash";
    r.csrf_secret = "new-csrf";
    REQUIRE_FALSE(s.save_session(r));
    auto got = s.load_session("k1", 2000);
    REQUIRE(got);
    CHECK(got->user_id == 5);
    CHECK(got->auth_hash == "new-hash");
    CHECK(got->csrf_secret == "new-csrf");
    CHECK(got->expires_at == 3000);

    CHECK(s.save_session(make_session("ghost", 1, 1000)) == store_errc::not_found);
    CHECK_FALSE(s.load_session("ghost", 0));

    // The session now belongs to user 5, no longer to the anonymous user.
    CHECK(s.delete_user_sessions(0) == 0);
    CHECK(s.delete_user_sessions(5) == 1);
    CHECK_FALSE(s.load_session("k1", 0));
}

TEMPLATE_LIST_TEST_CASE("delete_session removes a session once", "[store][sessions]", backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("k1", 1, 1000)));
    CHECK(s.delete_session("k1"));
    CHECK_FALSE(s.delete_session("k1"));
    CHECK_FALSE(s.load_session("k1", 0));
    CHECK_FALSE(s.delete_session("never-was"));
    // The key can be used again.
    CHECK_FALSE(s.create_session(make_session("k1", 1, 1000)));
}

TEMPLATE_LIST_TEST_CASE("delete_user_sessions removes a user's sessions except the one named", "[store][sessions]",
                        backends) {
    TestType b;
    auto& s = b.store;
    for (auto k : {"a1", "a2", "a3"}) REQUIRE_FALSE(s.create_session(make_session(k, 1, 1000)));
    REQUIRE_FALSE(s.create_session(make_session("b1", 2, 1000)));
    REQUIRE_FALSE(s.create_session(make_session("anon", 0, 1000)));

    CHECK(s.delete_user_sessions(1, "a2") == 2);
    CHECK_FALSE(s.load_session("a1", 0));
    CHECK(s.load_session("a2", 0));
    CHECK_FALSE(s.load_session("a3", 0));
    CHECK(s.load_session("b1", 0));
    CHECK(s.load_session("anon", 0));

    // An except_key of another user's session protects nothing of this user's.
    CHECK(s.delete_user_sessions(1, "b1") == 1);
    CHECK_FALSE(s.load_session("a2", 0));
    CHECK(s.load_session("b1", 0));

    CHECK(s.delete_user_sessions(2) == 1);
    CHECK(s.delete_user_sessions(2) == 0);
    CHECK(s.load_session("anon", 0));
}

TEMPLATE_LIST_TEST_CASE("purge_expired_sessions removes sessions expired at or before now", "[store][sessions]", backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.create_session(make_session("e100", 1, 100)));
    REQUIRE_FALSE(s.create_session(make_session("e200", 1, 200)));
    REQUIRE_FALSE(s.create_session(make_session("e300", 2, 300)));
    CHECK(s.purge_expired_sessions(99) == 0);
    CHECK(s.purge_expired_sessions(200) == 2);
    CHECK(s.load_session("e300", 0));
    CHECK_FALSE(s.delete_session("e100"));
    // Purged sessions are gone from the user index too.
    CHECK(s.delete_user_sessions(1) == 0);
    CHECK(s.delete_user_sessions(2) == 1);
}

// throttle ------------------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("throttle_hit follows DRF's window arithmetic", "[store][throttle]", backends) {
    TestType b;
    auto& s = b.store;
    const double window = 60;
    const std::size_t limit = 3;

    auto h = s.throttle_hit("throttle_user_1", 1000, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 1);
    CHECK(h.oldest == 1000);
    h = s.throttle_hit("throttle_user_1", 1010, window, limit);
    CHECK((h.allowed && h.count == 2 && h.oldest == 1000));
    h = s.throttle_hit("throttle_user_1", 1020.25, window, limit);
    CHECK((h.allowed && h.count == 3 && h.oldest == 1000));

    // Full: refused, nothing recorded, DRF's wait = (60 - (1030 - 1000)) / (3 - 3 + 1) = 30.
    h = s.throttle_hit("throttle_user_1", 1030, window, limit);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 3);
    CHECK(h.oldest == 1000);
    CHECK(drf_wait(h, 1030, window, limit) == Approx(30));

    // A hit exactly `window` old is gone (DRF pops `<= now - duration`).
    h = s.throttle_hit("throttle_user_1", 1060, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 3);
    CHECK(h.oldest == 1010);

    h = s.throttle_hit("throttle_user_1", 1060.5, window, limit);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 3);
    CHECK(drf_wait(h, 1060.5, window, limit) == Approx(9.5));

    // The refused hits were not recorded: after the window of the last allowed hit
    // everything has expired.
    h = s.throttle_hit("throttle_user_1", 1120, window, limit);
    CHECK(h.allowed);
    CHECK(h.count == 1);
    CHECK(h.oldest == 1120);
}

TEMPLATE_LIST_TEST_CASE("throttle keys are independent, may be long, and fractional times are kept", "[store][throttle]",
                        backends) {
    TestType b;
    auto& s = b.store;
    const std::string long_key = "throttle_scope_" + std::string(10000, 'x');
    CHECK(s.throttle_hit(long_key, 10.125, 5, 1).allowed);
    CHECK_FALSE(s.throttle_hit(long_key, 10.5, 5, 1).allowed);
    CHECK(s.throttle_hit(long_key + "y", 10.5, 5, 1).allowed);
    CHECK(s.throttle_hit("a", 10.5, 5, 1).allowed);
    auto h = s.throttle_hit(long_key, 15.0, 5, 1);
    CHECK_FALSE(h.allowed);   // 10.125 > 15 - 5
    CHECK(h.oldest == 10.125);
    CHECK(s.throttle_hit(long_key, 15.125, 5, 1).allowed);
}

TEMPLATE_LIST_TEST_CASE("a zero limit or an impossible time refuses without recording", "[store][throttle]", backends) {
    TestType b;
    auto& s = b.store;
    auto h = s.throttle_hit("k", 100, 60, 0);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 0);
    CHECK(drf_wait(h, 100, 60, 0) == Approx(60));
    CHECK_FALSE(s.throttle_hit("k", std::numeric_limits<double>::quiet_NaN(), 60, 5).allowed);
    CHECK_FALSE(s.throttle_hit("k", std::numeric_limits<double>::infinity(), 60, 5).allowed);
    CHECK_FALSE(s.throttle_hit("k", 100, -1, 5).allowed);
    CHECK(s.purge_throttle(1e12, 0) == 0);   // no key was created
    auto ok = s.throttle_hit("k", 100, 60, 5);
    CHECK(ok.allowed);
    CHECK(ok.count == 1);
}

TEMPLATE_LIST_TEST_CASE("purge_throttle drops keys whose newest hit left the longest window", "[store][throttle]",
                        backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE(s.throttle_hit("old", 100, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("new", 90, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("new", 200, 1000, 10).allowed);
    REQUIRE(s.throttle_hit("edge", 150, 1000, 10).allowed);
    // cutoff = 250 - 100 = 150: "old" (100) and "edge" (150) go, "new" (newest 200) stays whole.
    CHECK(s.purge_throttle(250, 100) == 2);
    auto h = s.throttle_hit("new", 250, 1000, 10);
    CHECK(h.count == 3);
    CHECK(h.oldest == 90);
    CHECK(s.throttle_hit("old", 250, 1000, 10).count == 1);
    CHECK(s.purge_throttle(250, 100) == 0);
}

// JWT blacklist -------------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("blacklisting is idempotent and is_blacklisted reports it", "[store][jwt]", backends) {
    TestType b;
    auto& s = b.store;
    CHECK_FALSE(s.is_blacklisted("j1"));
    CHECK(s.blacklist("j1", 2000, 1000));
    CHECK_FALSE(s.blacklist("j1", 2000, 1001));
    CHECK_FALSE(s.blacklist("j1", 9000, 1002));
    CHECK(s.is_blacklisted("j1"));
    CHECK_FALSE(s.is_blacklisted("j2"));
    CHECK_FALSE(s.is_blacklisted(""));
    // An access token's jti needs no outstanding entry to be revoked.
    CHECK(s.blacklist("access-jti", 1500, 1000));
    CHECK(s.is_blacklisted("access-jti"));
}

TEMPLATE_LIST_TEST_CASE("add_outstanding is idempotent by jti", "[store][jwt]", backends) {
    TestType b;
    auto& s = b.store;
    CHECK_FALSE(s.add_outstanding({"j1", 1, 100, 2000}));
    CHECK_FALSE(s.add_outstanding({"j1", 1, 100, 2000}));
    // A second record with the same jti changes nothing: it stays user 1's.
    CHECK_FALSE(s.add_outstanding({"j1", 2, 200, 3000}));
    CHECK(s.blacklist_user(2, 500) == 0);
    CHECK(s.blacklist_user(1, 500) == 1);
    // Outstanding is not blacklisted by itself.
    CHECK_FALSE(s.add_outstanding({"j2", 1, 100, 2000}));
    CHECK_FALSE(s.is_blacklisted("j2"));
}

TEMPLATE_LIST_TEST_CASE("blacklist_user blacklists every outstanding token of the user once", "[store][jwt]", backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.add_outstanding({"u1-a", 1, 100, 2000}));
    REQUIRE_FALSE(s.add_outstanding({"u1-b", 1, 100, 2000}));
    REQUIRE_FALSE(s.add_outstanding({"u1-expired", 1, 10, 50}));
    REQUIRE_FALSE(s.add_outstanding({"u2-a", 2, 100, 2000}));
    REQUIRE(s.blacklist("u1-a", 2000, 150));

    CHECK(s.blacklist_user(1, 500) == 2);
    CHECK(s.is_blacklisted("u1-a"));
    CHECK(s.is_blacklisted("u1-b"));
    CHECK(s.is_blacklisted("u1-expired"));
    CHECK_FALSE(s.is_blacklisted("u2-a"));
    CHECK(s.blacklist_user(1, 600) == 0);
    CHECK(s.blacklist_user(3, 600) == 0);
}

TEMPLATE_LIST_TEST_CASE("purge_expired_jwt removes outstanding and blacklisted entries at or past expiry", "[store][jwt]",
                        backends) {
    TestType b;
    auto& s = b.store;
    REQUIRE_FALSE(s.add_outstanding({"o100", 1, 1, 100}));
    REQUIRE_FALSE(s.add_outstanding({"o200", 1, 1, 200}));
    REQUIRE(s.blacklist("b150", 150, 1));
    REQUIRE(s.blacklist("b300", 300, 1));
    CHECK(s.purge_expired_jwt(99) == 0);
    CHECK(s.purge_expired_jwt(150) == 2);   // o100 and b150
    CHECK_FALSE(s.is_blacklisted("b150"));
    CHECK(s.is_blacklisted("b300"));
    // o100 is gone, o200 is still outstanding.
    CHECK(s.blacklist_user(1, 160) == 1);
    CHECK(s.is_blacklisted("o200"));
    CHECK_FALSE(s.is_blacklisted("o100"));
    CHECK(s.purge_expired_jwt(1000) == 3);   // o200 outstanding and blacklisted, b300
    CHECK_FALSE(s.is_blacklisted("b300"));
}

// error_code forms ----------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("the error_code forms give the same answers and clear the code", "[store][errors]", backends) {
    TestType b;
    auto& s = b.store;
    const auto uid = add_user(s, "alice");
    REQUIRE_FALSE(s.add_token(make_token("k", uid, 1, 100)));
    REQUIRE_FALSE(s.create_session(make_session("s", uid, 100)));
    const std::error_code dirty = store_errc::io;

    std::error_code ec = dirty;
    CHECK(s.find_user(uid, ec)->username == "alice");
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.find_user_by_username("alice", ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.list_users(ec).size() == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.find_token(digest_of("k"), ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.user_tokens(uid, ec).size() == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.load_session("s", 0, ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.throttle_hit("t", 1, 10, 1, ec).allowed);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.purge_throttle(100, 10, ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.blacklist("j", 100, 1, ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.is_blacklisted("j", ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.blacklist_user(uid, 1, ec) == 0);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.purge_expired_jwt(100, ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.purge_expired_tokens(100, ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.delete_user_sessions(uid, "", ec) == 1);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.purge_expired_sessions(100, ec) == 0);
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK_FALSE(s.delete_session("s", ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK_FALSE(s.remove_token(digest_of("k"), ec));
    CHECK_FALSE(ec);
    ec = dirty;
    CHECK(s.remove_user_tokens(uid, ec) == 0);
    CHECK_FALSE(ec);
}
