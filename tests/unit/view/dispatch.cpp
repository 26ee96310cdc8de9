#include <warden.hpp>
#include <warden/test/client.hpp>

#include <catch2/catch.hpp>

using namespace warden;

namespace {

// A stand-in authenticator with a challenge: "Authorization: Test <name>" succeeds for
// "alice", fails for anything else.
struct test_auth {
    using policy_kind = authenticator_tag;
    static constexpr std::string_view challenge = "Test";
    static constexpr std::string_view scheme = "test";
    template <class Ctx>
    auth_result authenticate(request& req, Ctx&) const {
        auto h = req.header(http::field::authorization);
        if (!h.starts_with("Test ")) return auth_result::none();
        if (h.substr(5) != "alice" && h.substr(5) != "bob") return auth_result::failure(errors::authentication_failed("Bad test credentials."));
        auto u = std::make_shared<user>();
        u->id = h.substr(5) == "alice" ? 1 : 2;
        u->username = std::string(h.substr(5));
        u->is_staff = u->username == "bob";
        return auth_result::success(std::move(u));
    }
};

// The same without a challenge (like session auth): failures are 403.
struct quiet_auth : test_auth {
    template <class Ctx>
    auth_result authenticate(request& req, Ctx& c) const {
        auto h = req.header("X-Quiet");
        if (h.empty()) return auth_result::none();
        if (h != "alice") return auth_result::failure(errors::authentication_failed("Bad quiet credentials."));
        auto u = std::make_shared<user>();
        u->id = 1;
        u->username = "alice";
        (void)c;
        return auth_result::success(std::move(u));
    }
    static constexpr std::string_view challenge_unused = "";
};
struct no_challenge_auth {
    using policy_kind = authenticator_tag;
    template <class Ctx>
    auth_result authenticate(request& req, Ctx& c) const { return quiet_auth{}.authenticate(req, c); }
};

struct profile_view : api_view<authentication<test_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};

struct quiet_profile_view : api_view<authentication<no_challenge_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};

struct both_view : api_view<authentication<no_challenge_auth, test_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}, {"scheme", req.auth().scheme}}); }
};

struct notes_view : api_view<authentication<test_auth>, permissions<is_authenticated_or_read_only>> {
    response get(request&) { return json({{"notes", json_array({})}}); }
    response post(request& req) {
        auto it = req.data().find("text");
        std::string text = it != req.data().end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
        return json({{"created", text}}, http::status::created);
    }
};

struct admin_view : api_view<authentication<test_auth>, permissions<is_admin_user>> {
    response get(request& req) { return json({{"admin", req.user().username}}); }
};

struct open_view : api_view<authentication<>> {
    response get(request&) { return json({{"ok", true}}); }
    response delete_(request&) { return no_content(); }
};

struct item_view : api_view<authentication<>> {
    static constexpr std::string_view name = "Item";
    static constexpr std::string_view description = "One item.";
    response get(request& req) { return json({{"id", *req.param_as<std::int64_t>("id")}}); }
    template <class Ctx>
    response put(request& req, Ctx& ctx) { return json({{"id", std::string(req.param("id"))}, {"append_slash", ctx.settings().append_slash}}); }
};

struct throwing_view : api_view<authentication<>> {
    response get(request&) { throw errors::not_found("No such thing."); }
    response post(request&) { throw std::runtime_error("boom"); }
};

auto make_site() {
    return app<defaults<parsers<json_parser, form_parser, multipart_parser>>,
               route<"/api/profile/", profile_view>, route<"/api/quiet/", quiet_profile_view>,
               route<"/api/both/", both_view>, route<"/api/notes/", notes_view>, route<"/api/admin/", admin_view>,
               route<"/api/open/", open_view>, route<"/api/items/<int:id>/", item_view>,
               route<"/api/throw/", throwing_view>>();
}

} // namespace

TEST_CASE("an unauthenticated request to a view whose first authenticator has a challenge is 401 with WWW-Authenticate", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/profile/");
    CHECK(r.status() == 401);
    CHECK(r.header("WWW-Authenticate") == "Test");
    CHECK(r.detail() == "Authentication credentials were not provided.");
    CHECK(r.header("Allow") == "GET, HEAD, OPTIONS");
    CHECK(r.header("Content-Type") == "application/json");
}

TEST_CASE("without a challenge the same request is 403 and has no WWW-Authenticate", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/quiet/");
    CHECK(r.status() == 403);
    CHECK_FALSE(r.has_header("WWW-Authenticate"));
    CHECK(r.detail() == "Authentication credentials were not provided.");
    auto bad = c.get("/api/quiet/", {{"X-Quiet", "mallory"}});
    CHECK(bad.status() == 403);
    CHECK(bad.detail() == "Bad quiet credentials.");
}

TEST_CASE("the first authenticator decides the challenge even when a later one fails", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/both/", {{"Authorization", "Test mallory"}});
    CHECK(r.status() == 403);   // first authenticator (no challenge) decides: 403
    CHECK(r.detail() == "Bad test credentials.");
    auto ok = c.get("/api/both/", {{"Authorization", "Test alice"}});
    CHECK(ok.status() == 200);
    CHECK(ok.json().at("scheme") == "test");
}

TEST_CASE("a failing authenticator stops the chain; the first success wins", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    // no_challenge_auth fails first: test_auth is never consulted.
    auto r = c.get("/api/both/", {{"X-Quiet", "mallory"}, {"Authorization", "Test alice"}});
    CHECK(r.status() == 403);
    CHECK(r.detail() == "Bad quiet credentials.");
    auto ok = c.get("/api/both/", {{"X-Quiet", "alice"}, {"Authorization", "Test bob"}});
    CHECK(ok.json().at("username") == "alice");
}

TEST_CASE("authenticated requests reach the handler with request.user set", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/profile/", {{"Authorization", "Test alice"}});
    CHECK(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"username":"alice"})"));
    auto bad = c.get("/api/profile/", {{"Authorization", "Test mallory"}});
    CHECK(bad.status() == 401);
    CHECK(bad.detail() == "Bad test credentials.");
}

TEST_CASE("an unauthenticated DELETE on a GET-only view is 401 before 405", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    CHECK(c.del("/api/profile/").status() == 401);
    auto r = c.del("/api/profile/", {{"Authorization", "Test alice"}});
    CHECK(r.status() == 405);
    CHECK(r.detail() == "Method \"DELETE\" not allowed.");
    CHECK(r.header("Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE("an extension method is 405 with its name, lower-case methods are upper-cased", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.send(http::verb::unknown, "/api/open/", {}, {}, {}, "PROPFIND");
    CHECK(r.status() == 405);
    CHECK(r.detail() == "Method \"PROPFIND\" not allowed.");
    auto lower = c.send(http::verb::unknown, "/api/open/", {}, {}, {}, "get");
    CHECK(lower.status() == 200);
}

TEST_CASE("permission denials: 403 for an authenticated user, NotAuthenticated otherwise", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto alice = c.get("/api/admin/", {{"Authorization", "Test alice"}});
    CHECK(alice.status() == 403);
    CHECK(alice.detail() == "You do not have permission to perform this action.");
    CHECK(c.get("/api/admin/", {{"Authorization", "Test bob"}}).status() == 200);
    CHECK(c.get("/api/admin/").status() == 401);
}

TEST_CASE("read-only for anonymous users, writes need authentication", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    CHECK(c.get("/api/notes/").status() == 200);
    CHECK(c.get("/api/notes/").json() == boost::json::parse(R"({"notes":[]})"));
    CHECK(c.post("/api/notes/", R"({"text":"x"})").status() == 401);
    auto ok = c.post("/api/notes/", R"({"text":"x"})", {{"Authorization", "Test alice"}});
    CHECK(ok.status() == 201);
    CHECK(ok.json().at("created") == "x");
    CHECK(ok.header("Allow") == "GET, POST, HEAD, OPTIONS");
}

TEST_CASE("HEAD is served by GET without a body; OPTIONS describes the view", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto get = c.get("/api/open/");
    auto head = c.head("/api/open/");
    CHECK(head.status() == 200);
    CHECK(head.body().empty());
    CHECK(head.header("Content-Length") == std::to_string(get.body().size()));
    CHECK(head.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
    auto opt = c.options("/api/items/3/");
    CHECK(opt.status() == 200);
    CHECK(opt.json() == boost::json::parse(R"({"name":"Item","description":"One item.","renders":["application/json"],
        "parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"]})"));
    CHECK(c.options("/api/open/").json().at("name") == "Open");
}

TEST_CASE("a 204 carries no Content-Type", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.del("/api/open/");
    CHECK(r.status() == 204);
    CHECK_FALSE(r.has_header("Content-Type"));
    CHECK(r.body().empty());
}

TEST_CASE("unknown routes are 404 JSON; a missing slash redirects GET", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/nowhere/");
    CHECK(r.status() == 404);
    CHECK(r.json() == boost::json::parse(R"({"detail":"Not found."})"));
    CHECK_FALSE(r.has_header("Allow"));
    auto redirect = c.get("/api/open?x=1");
    CHECK(redirect.status() == 301);
    CHECK(redirect.header("Location") == "/api/open/?x=1");
    CHECK(c.post("/api/open", "{}").status() == 404);
}

TEST_CASE("path parameters reach the handler; handlers may take the context", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    CHECK(c.get("/api/items/42/").json().at("id") == 42);
    CHECK(c.get("/api/items/x/").status() == 404);
    auto r = c.put("/api/items/7/", "{}");
    CHECK(r.json() == boost::json::parse(R"({"id":"7","append_slash":true})"));
}

TEST_CASE("406 when Accept excludes JSON", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/api/open/", {{"Accept", "text/html"}});
    CHECK(r.status() == 406);
    CHECK(r.detail() == "Could not satisfy the request Accept header.");
    CHECK(c.get("/api/open/", {{"Accept", "text/html, application/json;q=0.9"}}).status() == 200);
    CHECK(c.get("/api/open/", {{"Accept", "*/*"}}).status() == 200);
}

TEST_CASE("handlers may throw api_error; other exceptions are a JSON 500", "[view][dispatch]") {
    auto site = make_site();
    test::client c{site};
    auto nf = c.get("/api/throw/");
    CHECK(nf.status() == 404);
    CHECK(nf.detail() == "No such thing.");
    CHECK(nf.header("Allow") == "GET, POST, HEAD, OPTIONS");
    auto boom = c.post("/api/throw/", "{}");
    CHECK(boom.status() == 500);
    CHECK(boom.detail() == "A server error occurred.");
}
