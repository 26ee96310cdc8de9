// Compiled exemplars of the policy concepts: the smallest models of authenticator,
// permission, throttle and parser, checked against the concepts and driven through an
// app. The concept headers point here.
#include <warden.hpp>
#include <warden/test/client.hpp>

#include <catch2/catch.hpp>

#include <atomic>

using namespace warden;

namespace exemplar {

// An authenticator: `X-Api-User: NAME` authenticates as NAME; "nobody" is refused.
struct header_auth {
    using policy_kind = authenticator_tag;
    static constexpr std::string_view challenge = "X-Api-User";
    static constexpr std::string_view scheme = "header";

    template <class Ctx>
    auth_result authenticate(request& req, Ctx&) const {
        auto name = req.header("X-Api-User");
        if (name.empty()) return auth_result::none();
        if (name == "nobody") return auth_result::failure(errors::authentication_failed("Unknown user."));
        auto u = std::make_shared<user>();
        u->id = 7;
        u->username = std::string(name);
        return auth_result::success(std::move(u));
    }
};

// A permission: only users whose name starts with 'a'.
struct name_starts_with_a {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = "Only users whose name starts with 'a'.";
    template <class Request, class View>
    bool has_permission(const Request& req, const View&) const {
        return req.user().username.starts_with('a');
    }
};

// A throttle: at most two requests in the app's lifetime (state shared by all threads).
struct two_requests {
    using policy_kind = throttle_tag;
    mutable std::atomic<int> seen{0};
    two_requests() = default;
    two_requests(const two_requests&) : seen(0) {}
    template <class View, class Ctx>
    throttle_result allow_request(request&, const View&, Ctx&) const {
        return ++seen <= 2 ? throttle_result::allow() : throttle_result::deny(42.5);
    }
};

// A parser: text/plain bodies become {"text": BODY}.
struct text_parser {
    using policy_kind = parser_tag;
    static constexpr std::string_view media_type = "text/plain";
    std::optional<api_error> parse(std::string_view body, std::string_view, boost::json::object& out) const {
        out["text"] = body;
        return std::nullopt;
    }
};

struct view : api_view<authentication<header_auth>, permissions<name_starts_with_a>, throttles<two_requests>,
                       parsers<text_parser>> {
    response post(request& req) { return json({{"user", req.user().username}, {"echo", req.data().at("text")}}); }
};

} // namespace exemplar

using site_type = decltype(app<route<"/x/", exemplar::view>>());
using ctx_type = site_type::context_type;

static_assert(authenticator_for<exemplar::header_auth, ctx_type>);
static_assert(permission_for<exemplar::name_starts_with_a, request, exemplar::view, ctx_type>);
static_assert(throttle_for<exemplar::two_requests, request, exemplar::view, ctx_type>);
static_assert(is_policy_of<exemplar::text_parser, parser_tag>);
static_assert(view<exemplar::view>);
// Empty policies cost nothing in a view: a view is as small as an empty class.
static_assert(sizeof(exemplar::view) == 1);

TEST_CASE("the exemplar policies work through an app", "[view][exemplars]") {
    auto site = app<route<"/x/", exemplar::view>>();
    test::client c{site};
    auto none = c.send(http::verb::post, "/x/", "hi", "text/plain");
    CHECK(none.status() == 401);
    CHECK(none.header("WWW-Authenticate") == "X-Api-User");
    auto refused = c.send(http::verb::post, "/x/", "hi", "text/plain", {{"X-Api-User", "nobody"}});
    CHECK(refused.detail() == "Unknown user.");
    auto denied = c.send(http::verb::post, "/x/", "hi", "text/plain", {{"X-Api-User", "bob"}});
    CHECK(denied.status() == 403);
    CHECK(denied.detail() == "Only users whose name starts with 'a'.");
    auto ok = c.send(http::verb::post, "/x/", "hi", "text/plain", {{"X-Api-User", "ann"}});
    CHECK(ok.status() == 200);
    CHECK(ok.json() == boost::json::parse(R"({"user":"ann","echo":"hi"})"));
    CHECK(c.send(http::verb::post, "/x/", "hi", "text/plain", {{"X-Api-User", "amy"}}).status() == 200);
    auto throttled = c.send(http::verb::post, "/x/", "hi", "text/plain", {{"X-Api-User", "amy"}});
    CHECK(throttled.status() == 429);
    CHECK(throttled.header("Retry-After") == "43");
    CHECK(throttled.detail() == "Request was throttled. Expected available in 43 seconds.");
    auto json_body = c.post("/x/", R"({"text":"hi"})", {{"X-Api-User", "ann"}});
    CHECK(json_body.status() == 429);   // throttles run before the parser
}
