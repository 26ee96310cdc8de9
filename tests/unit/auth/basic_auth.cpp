#include "support.hpp"

#include <support/failing_store.hpp>
#include <warden/crypto/base64.hpp>

using namespace warden;

namespace {
std::string basic(std::string_view user_pass) { return "Basic " + crypto::base64_encode(user_pass); }
}

TEST_CASE("basic auth logs in with the right password", "[auth][basic]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    auto r = c.get("/api/basic/profile/", {{"Authorization", basic("alice:alice-pass")}});
    CHECK(r.status() == 200);
    CHECK(r.json().at("username") == "alice");
    CHECK(c.get("/api/basic/profile/", {{"Authorization", "basic YWxpY2U6YWxpY2UtcGFzcw=="}}).status() == 200);
}

TEST_CASE("basic auth answers DRF's messages", "[auth][basic]") {
    memory_store db;
    fixtures::seed(db);
    auto site = fixtures::make_site(db);
    test::client c{site};
    struct expectation { std::string header; std::string detail; };
    for (auto& [header, detail] : std::vector<expectation>{
             {"Basic", "Invalid basic header. No credentials provided."},
             {"Basic a b", "Invalid basic header. Credentials string should not contain spaces."},
             {"Basic not*base64", "Invalid basic header. Credentials not correctly base64 encoded."},
             {"Basic YWxpY2U6YWxpY2UtcGFzcw", "Invalid basic header. Credentials not correctly base64 encoded."},
             {basic("alice:wrong"), "Invalid username/password."},
             {basic("nobody:alice-pass"), "Invalid username/password."},
             {basic("alice"), "Invalid username/password."},
             {basic("dave:dave-pass"), "Invalid username/password."},
             {basic("al\xe9ice:x"), "Invalid username/password."},
             // HMAC pads its key with zeros: PBKDF2 cannot tell "alice-pass" from these
             {basic(std::string_view("alice:alice-pass\0", 17)), "Invalid username/password."},
             {basic(std::string_view("alice:alice-pass\0\0\0", 19)), "Invalid username/password."},
             {basic(std::string_view("alice\0:alice-pass", 17)), "Invalid username/password."},
         }) {
        auto r = c.get("/api/basic/profile/", {{"Authorization", header}});
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Basic realm=\"api\"");
        CHECK(r.detail() == detail);
    }
    auto none = c.get("/api/basic/profile/");
    CHECK(none.status() == 401);
    CHECK(none.detail() == "Authentication credentials were not provided.");
}

TEST_CASE("a password hash weaker than the policy is upgraded at login", "[auth][basic]") {
    memory_store db;
    fixtures::add_user(db, "erin", false, true, 500);
    auto site = fixtures::make_site(db);
    test::client c{site};
    CHECK(db.find_user_by_username("erin")->password.starts_with("pbkdf2_sha256$500$"));
    CHECK(c.get("/api/basic/profile/", {{"Authorization", basic("erin:wrong")}}).status() == 401);
    CHECK(db.find_user_by_username("erin")->password.starts_with("pbkdf2_sha256$500$"));
    CHECK(c.get("/api/basic/profile/", {{"Authorization", basic("erin:erin-pass")}}).status() == 200);
    CHECK(db.find_user_by_username("erin")->password.starts_with("pbkdf2_sha256$1000$"));
    CHECK(c.get("/api/basic/profile/", {{"Authorization", basic("erin:erin-pass")}}).status() == 200);
}

TEST_CASE("basic auth routes run on the hashing pool so the server hashes off the I/O threads", "[auth][basic]") {
    memory_store db;
    auto site = fixtures::make_site(db);
    http_request m{http::verb::get, "/api/basic/profile/", 11};
    CHECK(decltype(site)::work_of(m) == work_kind::hashing);
    http_request p{http::verb::get, "/api/profile/", 11};
    CHECK(decltype(site)::work_of(p) == work_kind::inline_);   // token lookups in a memory store do not block
}

TEST_CASE("a username that is not UTF-8 names no account and never reaches the store", "[auth][basic]") {
    // A store that is down tells the two apart: a lookup would fail with its code.
    warden_test::failing_store db;
    db.fail_with(store_errc::unavailable);
    settings s;
    s.password.iterations = 1000;   // the unknown user's dummy hash
    std::error_code ec;
    CHECK_FALSE(check_credentials(db, s, "\xff\xfe-not-utf8", "pw", ec));
    CHECK_FALSE(ec);   // refused as an unknown user, not a 503
    CHECK_FALSE(check_credentials(db, s, "alice", "pw", ec));
    CHECK(ec == store_errc::unavailable);
}
