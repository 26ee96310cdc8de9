// Routes that only read a blocking store (`work_kind::store_read`): which routes are
// classified so, and how the app reserves the stores' connections for the calling thread
// (the server then handles the request there instead of on the blocking pool).
#include <warden.hpp>
#include <warden/test/client.hpp>

#include <support/backends.hpp>
#include <support/users.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace warden;
using warden_test::temp_db;

namespace {

struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
struct any_auth_api : api_view<authentication<token_auth, session_auth, jwt::jwt_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
struct throttled_api : api_view<authentication<token_auth>, throttles<user_rate<"1000/minute">>> {
    response get(request&) { return json({{"ok", true}}); }
};
// A view that uses the store itself, without saying it only reads: the pool.
struct users_api : api_view<authentication<>> {
    using requires_services = services<users_tag>;
    response get(request&) { return json({{"ok", true}}); }
};
struct basic_api : api_view<authentication<basic_auth>> {
    response get(request&) { return json({{"ok", true}}); }
};

// A blocking user service that cannot reserve a connection (as PostgreSQL's).
struct unreserving_users {
    using provides = warden::provides<users_tag>;
    static constexpr bool blocking = true;
    memory_store* inner;
    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) const { return inner->find_user(id, ec); }
};

template <class... Stores>
auto make_site(Stores&... stores) {
    settings s;
    s.secret_key = "inline-reads-test-secret-key-of-some-length-0123456789";
    return app<route<"/profile/", profile_api>, route<"/any/", any_auth_api>, route<"/throttled/", throttled_api>,
               route<"/users/", users_api>, route<"/basic/", basic_api>>(
        stores..., jwt::key_service::hs256("inline-reads-test-jwt-signing-key-0123456789abcdef"), std::move(s));
}

template <class Site>
work_kind work(std::string_view target) {
    http_request m;
    m.target(target);
    return Site::plan(m).work;
}

} // namespace

TEST_CASE("routes that only read a store that reserves readers are store_read; writers and hashers are not", "[app][inline]") {
    temp_db file;
    sqlite_store db{file.path()};
    using sqlite_site = decltype(make_site(db));
    CHECK(work<sqlite_site>("/profile/") == work_kind::store_read);
    CHECK(work<sqlite_site>("/any/") == work_kind::store_read);   // token, session and JWT all only read
    CHECK(work<sqlite_site>("/throttled/") == work_kind::blocking);   // a throttle hit writes
    CHECK(work<sqlite_site>("/users/") == work_kind::blocking);   // the view did not say it only reads
    CHECK(work<sqlite_site>("/basic/") == work_kind::hashing);
    // An escaped path is routed again in handle(): the pool, never unreserved inline.
    CHECK(work<sqlite_site>("/pr%6Ffile/") == work_kind::blocking);

    memory_store mem;
    using memory_site = decltype(make_site(mem));
    CHECK(work<memory_site>("/profile/") == work_kind::inline_);   // nothing blocks
    CHECK(work<memory_site>("/throttled/") == work_kind::inline_);

    // Users from a blocking store that cannot reserve: the routes reading users go to the pool.
    unreserving_users users{&mem};
    using mixed_site = decltype(make_site(users, db));
    CHECK(work<mixed_site>("/profile/") == work_kind::store_read);   // tokens: sqlite
    CHECK(work<mixed_site>("/any/") == work_kind::blocking);   // session and JWT auth read users too
}

TEST_CASE("the app reserves a connection per store for the calling thread, or none when one is busy", "[app][inline]") {
    temp_db file;
    sqlite_store db{file.path(), {.pool_size = 1}};
    warden_test::add_user(db, "alice");
    auto site = make_site(db);
    test::client c{site};
    std::string key;
    REQUIRE_FALSE(token::issue(db, db.find_user_by_username("alice")->id, site.settings(), 1, key));

    http_request m;
    m.target("/profile/");
    auto plan = decltype(site)::plan(m);
    REQUIRE(plan.work == work_kind::store_read);
    REQUIRE(site.try_reserve_reads(plan));
    // The only connection is this thread's: another thread cannot reserve it...
    bool other = true;
    std::thread([&] { other = site.try_reserve_reads(plan); }).join();
    CHECK_FALSE(other);
    // ...and the request handled here reads through it.
    auto r = c.get("/profile/", {{"Authorization", "Token " + key}});
    CHECK(r.status() == 200);
    CHECK(r.json().at("username") == "alice");
    site.release_reads(plan);
    std::thread([&] {
        other = site.try_reserve_reads(plan);
        if (other) site.release_reads(plan);
    }).join();
    CHECK(other);

    // Plans that are not store_read reserve nothing.
    http_request t;
    t.target("/throttled/");
    CHECK_FALSE(site.try_reserve_reads(decltype(site)::plan(t)));
    http_request none;
    none.target("/nowhere/");
    CHECK_FALSE(site.try_reserve_reads(decltype(site)::plan(none)));
}
