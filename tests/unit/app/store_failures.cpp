// What a request gets while a store it needs fails: 503 with DRF's ServiceUnavailable
// body and Retry-After, from every authenticator, throttle and view on the request
// path, and from the app for a handler that lets a store's system_error escape; never
// a 500, never an anonymous request or "invalid token" in its place. Then the same
// requests succeed once the store is back, without a restart. No sockets: the store
// fails on demand (tests/support/failing_store.hpp).
#include <support/failing_store.hpp>
#include <support/test_auth.hpp>
#include <support/users.hpp>

#include <warden.hpp>
#include <warden/test/client.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using namespace warden;
using warden_test::credentials;
using warden_test::failing_store;

namespace {

constexpr std::string_view unavailable_body = R"({"detail":"Service temporarily unavailable, try again later."})";

struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
struct basic_profile_api : api_view<authentication<basic_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
struct dashboard_api : api_view<authentication<session_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
// Anyone may read: an anonymous request would get the same 200, but a session the
// store cannot check is still no anonymous request.
struct notes_api : api_view<authentication<session_auth>, permissions<is_authenticated_or_read_only>> {
    response get(request& req) { return json({{"user", req.user().username}}); }
};
struct jwt_profile_api : api_view<authentication<jwt::jwt_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
struct revocable_api : api_view<authentication<jwt::revocable_jwt_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};
// A custom handler on the throwing forms: the app turns the escaping error into 503.
struct user_count_api : api_view<permissions<allow_any>> {
    using requires_services = services<users_tag>;
    template <class Ctx>
    response get(request&, Ctx& ctx) {
        return json({{"users", static_cast<std::int64_t>(ctx.template get<users_tag>().list_users().size())}});
    }
};
// Other errors that escape a handler stay 500.
struct broken_api : api_view<permissions<allow_any>> {
    response get(request& req) {
        if (req.query_string() == "duplicate") throw std::system_error(store_errc::duplicate);
        throw std::system_error(std::make_error_code(std::errc::io_error));
    }
};

auto make_site(failing_store& db) {
    return app<defaults<parsers<json_parser, form_parser>>, route<"/api/profile/", profile_api>,
               route<"/api/basic/profile/", basic_profile_api>, route<"/api/dashboard/", dashboard_api>,
               route<"/api/notes/", notes_api>, route<"/api/jwt/profile/", jwt_profile_api>,
               route<"/api/revocable/", revocable_api>, route<"/api/users/count/", user_count_api>,
               route<"/api/broken/", broken_api>, route<"/api/token-auth/", obtain_auth_token>,
               route<"/api/login/", login_view>, route<"/api/logout/", logout_view>,
               route<"/api/token/", jwt::token_obtain_pair>, route<"/api/token/refresh/", jwt::token_refresh>,
               route<"/api/token/verify/", jwt::token_verify>, route<"/api/token/blacklist/", jwt::token_blacklist>,
               route<"/api/token-auth/logout/", logout_token>, route<"/api/token-auth/logout-all/", logout_all>>(
        db, warden_test::test_settings(), jwt::key_service::hs256("a-test-signing-key-of-32-bytes-or-more!!"));
}

void check_unavailable(const test::result& r) {
    CHECK(r.status() == 503);
    CHECK(r.body() == unavailable_body);
    CHECK(r.header("Retry-After") == "5");
    CHECK(r.header("WWW-Authenticate").empty());
}

std::string field(const test::result& r, const char* name) { return std::string(r.json().at(name).as_string()); }

} // namespace

TEST_CASE("every authenticator answers 503 while its store fails, and authenticates again once it is back",
          "[app][faults]") {
    failing_store db;
    warden_test::seed(db);
    auto site = make_site(db);
    test::client c{site};
    const std::string key = field(c.post("/api/token-auth/", credentials("alice")), "token");
    const auto pair = c.post("/api/token/", credentials("alice"));
    REQUIRE(pair.status() == 200);
    const std::string access = field(pair, "access");
    const std::string token_value = "Token " + key, bearer_value = "Bearer " + access;
    const test::header_args token{{"Authorization", token_value}};
    const test::header_args bearer{{"Authorization", bearer_value}};
    const test::header_args basic{{"Authorization", "Basic YWxpY2U6YWxpY2UtcGFzcw=="}};   // alice:alice-pass

    db.fail_with(store_errc::unavailable);
    check_unavailable(c.get("/api/profile/", token));
    check_unavailable(c.get("/api/basic/profile/", basic));
    check_unavailable(c.get("/api/jwt/profile/", bearer));      // the user lookup
    check_unavailable(c.get("/api/revocable/", bearer));        // the blacklist lookup
    db.fail_with(store_errc::timeout);
    check_unavailable(c.get("/api/profile/", token));

    db.recover();
    CHECK(c.get("/api/profile/", token).status() == 200);
    CHECK(c.get("/api/basic/profile/", basic).status() == 200);
    CHECK(c.get("/api/jwt/profile/", bearer).status() == 200);
    CHECK(c.get("/api/revocable/", bearer).status() == 200);
    // A request without credentials never touches the store: the usual 401.
    db.fail_with();
    CHECK(c.get("/api/profile/").status() == 401);
}

TEST_CASE("a session the store cannot check is 503, not an anonymous request, and the cookie is kept",
          "[app][faults][session]") {
    failing_store db;
    warden_test::seed(db);
    auto site = make_site(db);
    test::client c{site};
    REQUIRE(c.post("/api/login/", credentials("alice")).status() == 200);
    REQUIRE(c.cookies().contains("sessionid"));
    CHECK(c.get("/api/notes/").json().at("user") == "alice");

    db.fail_with();
    auto r = c.get("/api/dashboard/");
    check_unavailable(r);
    CHECK(r.headers("Set-Cookie").empty());
    check_unavailable(c.get("/api/notes/"));   // anonymous would read "" here
    check_unavailable(c.post("/api/logout/", "{}", {{"X-CSRFToken", c.cookies().at("csrftoken")}}));

    db.recover();
    CHECK(c.get("/api/dashboard/").json().at("username") == "alice");   // the same session
    CHECK(c.post("/api/logout/", "{}", {{"X-CSRFToken", c.cookies().at("csrftoken")}}).status() == 204);
}

TEST_CASE("the obtain, login and JWT views answer 503 while the store fails", "[app][faults][views]") {
    failing_store db;
    warden_test::seed(db);
    auto site = make_site(db);
    test::client c{site};
    const auto pair = c.post("/api/token/", credentials("bob"));
    REQUIRE(pair.status() == 200);
    const std::string refresh = field(pair, "refresh");
    const std::string posted_refresh = R"({"refresh":")" + refresh + "\"}";

    db.fail_with();
    check_unavailable(c.post("/api/token-auth/", credentials("alice")));
    check_unavailable(c.post("/api/login/", credentials("alice")));
    CHECK_FALSE(c.cookies().contains("sessionid"));
    check_unavailable(c.post("/api/token/", credentials("alice")));
    check_unavailable(c.post("/api/token/refresh/", posted_refresh));
    check_unavailable(c.post("/api/token/verify/", R"({"token":")" + refresh + "\"}"));
    check_unavailable(c.post("/api/token/blacklist/", posted_refresh));

    db.recover();
    CHECK(c.post("/api/token-auth/", credentials("alice")).status() == 200);
    CHECK(c.post("/api/token/verify/", R"({"token":")" + refresh + "\"}").status() == 200);
    CHECK(c.post("/api/token/refresh/", posted_refresh).status() == 200);
    CHECK(c.post("/api/token/blacklist/", posted_refresh).status() == 200);
    CHECK(c.post("/api/token/refresh/", posted_refresh).status() == 401);   // blacklisted now
}

TEST_CASE("logout_token and logout_all answer 503 when the store fails after authentication, and revoke once it is back",
          "[app][faults][views]") {
    failing_store db;
    warden_test::seed(db);
    auto site = make_site(db);
    test::client c{site};
    const std::string key = field(c.post("/api/token-auth/", credentials("alice")), "token");
    const std::string credential = "Token " + key;
    const test::header_args auth{{"Authorization", credential}};
    for (std::string_view target : {"/api/token-auth/logout/", "/api/token-auth/logout-all/"}) {
        INFO(target);
        db.fail_after(1);   // the authenticator's token lookup succeeds; the view's revocation fails
        check_unavailable(c.post(target, "", auth));
        db.recover();
        CHECK(c.get("/api/profile/", auth).status() == 200);   // nothing was revoked
    }
    CHECK(c.post("/api/token-auth/logout/", "", auth).status() == 204);
    CHECK(c.get("/api/profile/", auth).status() == 401);
}

TEST_CASE("a store failure escaping a handler is 503; any other error is still 500", "[app][faults]") {
    failing_store db;
    warden_test::seed(db);
    auto site = make_site(db);
    test::client c{site};
    CHECK(c.get("/api/users/count/").json().at("users") == 4);
    db.fail_with(store_errc::busy);
    check_unavailable(c.get("/api/users/count/"));
    auto other = c.get("/api/broken/");
    CHECK(other.status() == 500);
    CHECK(other.header("Retry-After").empty());
    CHECK(c.get("/api/broken/?duplicate").status() == 500);   // an answer about data, not an outage
    db.recover();
    CHECK(c.get("/api/users/count/").status() == 200);
}

namespace {

struct throttled_api : api_view<authentication<warden_test::test_auth>, permissions<allow_any>,
                                throttles<anon_rate<"3/minute">, user_rate<"5/minute">>> {
    response get(request&) { return json({{"ok", true}}); }
};

} // namespace

TEST_CASE("a throttle whose counter store fails refuses with 503, not 429, then counts again", "[app][faults][throttle]") {
    failing_store counters;
    auto site = app<route<"/api/throttled/", throttled_api>>(counters);
    test::client c{site};
    CHECK(c.get("/api/throttled/").status() == 200);
    counters.fail_with();
    check_unavailable(c.get("/api/throttled/"));
    check_unavailable(c.get("/api/throttled/", {{"Authorization", "Test alice"}}));
    counters.recover();
    CHECK(c.get("/api/throttled/").status() == 200);
    CHECK(c.get("/api/throttled/").status() == 200);
    CHECK(c.get("/api/throttled/").status() == 429);   // the refused requests were not counted
}
