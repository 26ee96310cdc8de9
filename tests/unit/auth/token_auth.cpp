#include "support.hpp"

using namespace warden;
using fixtures::obtain;

TEST_CASE("token auth accepts a key from obtain_auth_token, keyword in any case and any whitespace", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto key = obtain(site, "alice");
    CHECK(key.size() == 40);
    for (std::string header : {"Token " + key, "token " + key, "TOKEN\t" + key, "  Token   " + key + "  "}) {
        auto r = c.get("/api/profile/", {{"Authorization", header}});
        CHECK(r.status() == 200);
        CHECK(r.json() == boost::json::parse(R"({"username":"alice","email":"alice@example.com"})"));
    }
}

TEST_CASE("token auth answers DRF's messages for malformed headers", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    struct expectation { std::string header; std::string detail; };
    for (auto& [header, detail] : std::vector<expectation>{
             {"Token", "Invalid token header. No credentials provided."},
             {"Token   ", "Invalid token header. No credentials provided."},
             {"Token a b", "Invalid token header. Token string should not contain spaces."},
             {"Token \xff\xfe", "Invalid token header. Token string should not contain invalid characters."},
             {"Token nope", "Invalid token."},
             {"Token 0123456789abcdef0123456789abcdef01234567", "Invalid token."},
             {"Token 0123456789ABCDEF0123456789ABCDEF01234567", "Invalid token."},
             {"Token " + std::string(8000, 'a'), "Invalid token."},
         }) {
        auto r = c.get("/api/profile/", {{"Authorization", header}});
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Token");
        CHECK(r.detail() == detail);
    }
}

TEST_CASE("a request without token credentials is 401 with the Token challenge", "[auth][token]") {
    memory_store db;
    auto site = fixtures::make_site(db);
    test::client c{site};
    for (auto r : {c.get("/api/profile/"), c.get("/api/profile/", {{"Authorization", "Bearer 0123456789abcdef0123456789abcdef01234567"}}),
                   c.get("/api/profile/", {{"Authorization", ""}})}) {
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Token");
        CHECK(r.detail() == "Authentication credentials were not provided.");
    }
}

TEST_CASE("switching a user off takes effect on the next request", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto key = obtain(site, "carol");
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + key}}).status() == 200);
    auto carol = *db.find_user_by_username("carol");
    carol.is_active = false;
    REQUIRE_FALSE(db.update_user(carol));
    auto off = c.get("/api/profile/", {{"Authorization", "Token " + key}});
    CHECK(off.status() == 401);
    CHECK(off.detail() == "User inactive or deleted.");
    carol.is_active = true;
    REQUIRE_FALSE(db.update_user(carol));
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + key}}).status() == 200);
}

TEST_CASE("the store holds digests only, and a digest mismatch after lookup is refused", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    auto key = obtain(site, "alice");
    auto alice = db.find_user_by_username("alice");
    auto tokens = db.user_tokens(alice->id);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].digest == token::digest_key(key));
    // The authenticator confirms the row with a constant-time compare of digests: a
    // stored digest that differs (as a colliding index would give) is refused.
    auto d = token::digest_key(key);
    d[31] ^= 1;
    CHECK_FALSE(token::key_matches(key, d));
    CHECK_FALSE(token::digests_match(token::digest_key(key), d));
    CHECK(token::key_matches(key, token::digest_key(key)));
    CHECK(token::digests_match(token::digest_key(key), token::digest_key(key)));
}

TEST_CASE("tokens expire after the configured lifetime and are then deleted", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    // A cached lookup carries the expiry date, checked on every use all the same.
    if (GENERATE(false, true)) db.cache_tokens(std::chrono::minutes(10));
    auto s = fixtures::test_settings();
    s.token.ttl = std::chrono::hours(1);
    auto site = fixtures::make_site(db, s);
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'800'000'000}});
    test::client c{site};
    auto key = obtain(site, "alice");
    auto alice_id = db.find_user_by_username("alice")->id;
    CHECK(db.user_tokens(alice_id).at(0).expires_at == 1'800'000'000 + 3600);
    site.clock().advance(std::chrono::minutes(59));
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + key}}).status() == 200);
    site.clock().advance(std::chrono::minutes(1));
    auto expired = c.get("/api/profile/", {{"Authorization", "Token " + key}});
    CHECK(expired.status() == 401);
    CHECK(expired.detail() == "Invalid token.");
    CHECK(db.user_tokens(alice_id).empty());
}

TEST_CASE("a user may hold several tokens; revoking one or all works", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto k1 = obtain(site, "alice");
    auto k2 = obtain(site, "alice");
    CHECK(k1 != k2);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k1}}).status() == 200);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k2}}).status() == 200);
    CHECK(token::revoke(db, k1));
    CHECK_FALSE(token::revoke(db, k1));
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k1}}).detail() == "Invalid token.");
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k2}}).status() == 200);
    auto k3 = obtain(site, "alice");
    CHECK(token::revoke_all(db, db.find_user_by_username("alice")->id) == 2);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k2}}).status() == 401);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k3}}).status() == 401);
}

TEST_CASE("the per-user token limit revokes the oldest tokens", "[auth][token]") {
    memory_store db;
    fixtures::seed(db);
    auto s = fixtures::test_settings();
    s.token.max_per_user = 2;
    auto site = fixtures::make_site(db, s);
    test::client c{site};
    site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'800'000'000}});
    auto k1 = obtain(site, "bob");
    site.clock().advance(std::chrono::seconds(1));
    auto k2 = obtain(site, "bob");
    site.clock().advance(std::chrono::seconds(1));
    auto k3 = obtain(site, "bob");
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k1}}).status() == 401);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k2}}).status() == 200);
    CHECK(c.get("/api/profile/", {{"Authorization", "Token " + k3}}).status() == 200);
}
