// Compositions through an app: what the client sees when a composition denies
// (403 with the denying permission's message, 404 when asked, NotAuthenticated when no
// authenticator succeeded on a view that has some), and what a composition passes on
// to the app (operands built from the context, services, blocking).
#include "support.hpp"

#include <type_traits>

using namespace warden;
using fixtures::test_auth;

namespace {

struct is_carol {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = "Only carol may do this.";
    static constexpr std::string_view code = "not_carol";
    template <class Request, class View>
    bool has_permission(const Request& req, const View&) const {
        return req.user().username == "carol";
    }
};

// Built from the app context: grants requests whose X-Club header is the configured word.
struct club_member {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = "Members only.";
    club_member() = default;
    template <detail::app_context Ctx>
    explicit club_member(const Ctx& ctx) : word_(ctx.settings().secret_key) {}
    template <class Request, class View>
    bool has_permission(const Request& req, const View&) const {
        return !word_.empty() && req.header("X-Club") == word_;
    }
    std::string word_;
};

struct slow_permission {
    using policy_kind = permission_tag;
    static constexpr bool may_block = true;
    template <class Request, class View>
    bool has_permission(const Request&, const View&) const {
        return true;
    }
};

struct needs_users {
    using policy_kind = permission_tag;
    using requires_services = warden::services<users_tag>;
    template <class Request, class View>
    bool has_permission(const Request&, const View&) const {
        return true;
    }
};

template <class Permissions>
struct probe : api_view<authentication<test_auth>, Permissions> {
    response get(request& req) { return json({{"user", req.user().username}}); }
};

template <class Permissions>
struct open_probe : api_view<authentication<>, Permissions> {
    response get(request&) { return json({{"ok", true}}); }
};

using staff_or_carol = probe<permissions<any_of<is_admin_user, is_carol>>>;
using staff_only = probe<permissions<all_of<is_authenticated, with_message<is_admin_user, "Staff only.", "staff_only">>>>;
using hidden = probe<permissions<is_authenticated, as_not_found<is_admin_user>>>;
using logged_out_only = probe<permissions<with_message<not_<is_authenticated>, "Log out first.">>>;
using open_staff = open_probe<permissions<with_message<is_admin_user, "Staff only.">>>;
using open_negated = open_probe<permissions<not_<allow_any>>>;
using club = probe<permissions<any_of<is_admin_user, club_member>>>;

settings club_settings() {
    settings s;
    s.secret_key = "open-sesame";
    return s;
}

auto make_site() {
    return app<route<"/staff-or-carol/", staff_or_carol>, route<"/staff/", staff_only>, route<"/hidden/", hidden>,
               route<"/logged-out/", logged_out_only>, route<"/open-staff/", open_staff>,
               route<"/open-negated/", open_negated>, route<"/club/", club>>(club_settings());
}
using site_type = decltype(make_site());
using ctx_type = site_type::context_type;

static_assert(permission_for<any_of<is_admin_user, is_carol>, request, staff_or_carol, ctx_type>);
static_assert(permission_for<with_message<not_<is_authenticated>, "x">, request, logged_out_only, ctx_type>);

} // namespace

TEST_CASE("an any_of denial reports the message of the operand that has one", "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    auto alice = c.get("/staff-or-carol/", {{"Authorization", "Test alice"}});
    CHECK(alice.status() == 403);
    CHECK(alice.detail() == "Only carol may do this.");
    CHECK_FALSE(alice.has_header("WWW-Authenticate"));
    CHECK(c.get("/staff-or-carol/", {{"Authorization", "Test carol"}}).status() == 200);
    CHECK(c.get("/staff-or-carol/", {{"Authorization", "Test bob"}}).status() == 200);
}

TEST_CASE("an all_of denial reports the operand that denied, and its code", "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    auto alice = c.get("/staff/", {{"Authorization", "Test alice"}});
    CHECK(alice.status() == 403);
    CHECK(alice.detail() == "Staff only.");
    auto bob = c.get("/staff/", {{"Authorization", "Test bob"}});
    CHECK(bob.status() == 200);
    CHECK(bob.json().at("user") == "bob");
}

TEST_CASE("without a successful authenticator a denial is NotAuthenticated: 401 with the challenge",
          "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    for (auto path : {"/staff-or-carol/", "/staff/", "/hidden/"}) {
        auto r = c.get(path);
        INFO(path);
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Test");
        CHECK(r.detail() == "Authentication credentials were not provided.");
    }
    // A failing authenticator answers before any permission runs.
    auto bad = c.get("/staff/", {{"Authorization", "Test mallory"}});
    CHECK(bad.status() == 401);
    CHECK(bad.detail() == "Unknown test user.");
}

TEST_CASE("a view without authenticators denies anonymous requests with PermissionDenied and the message",
          "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    auto r = c.get("/open-staff/");
    CHECK(r.status() == 403);
    CHECK(r.detail() == "Staff only.");
    CHECK_FALSE(r.has_header("WWW-Authenticate"));
    auto n = c.get("/open-negated/");
    CHECK(n.status() == 403);
    CHECK(n.detail() == "You do not have permission to perform this action.");
}

TEST_CASE("as_not_found turns a view-level denial into 404 for authenticated users only", "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    auto alice = c.get("/hidden/", {{"Authorization", "Test alice"}});
    CHECK(alice.status() == 404);
    CHECK(alice.detail() == "Not found.");
    CHECK(c.get("/hidden/", {{"Authorization", "Test bob"}}).status() == 200);
    CHECK(c.get("/hidden/").status() == 401);
}

TEST_CASE("not_ grants what its operand denies", "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    CHECK(c.get("/logged-out/").status() == 200);
    auto alice = c.get("/logged-out/", {{"Authorization", "Test alice"}});
    CHECK(alice.status() == 403);
    CHECK(alice.detail() == "Log out first.");
}

TEST_CASE("operands of a composition are built from the app context, once, at start", "[permissions][messages]") {
    auto site = make_site();
    test::client c{site};
    CHECK(c.get("/club/", {{"Authorization", "Test alice"}, {"X-Club", "open-sesame"}}).status() == 200);
    auto wrong = c.get("/club/", {{"Authorization", "Test alice"}, {"X-Club", "sesame"}});
    CHECK(wrong.status() == 403);
    CHECK(wrong.detail() == "Members only.");
    CHECK(site.registry().get<any_of<is_admin_user, club_member>>().operand<1>().word_ == "open-sesame");
}

TEST_CASE("a composition passes on its operands' services and blocking", "[permissions][messages]") {
    static_assert(std::is_same_v<all_of<is_authenticated, needs_users>::requires_services, warden::services<users_tag>>);
    static_assert(std::is_same_v<any_of<needs_users, not_<needs_users>>::requires_services,
                                 warden::services<users_tag, users_tag>>);
    static_assert(any_of<is_admin_user, slow_permission>::may_block);
    static_assert(!any_of<is_admin_user, is_carol>::may_block);
    using slow_view = probe<permissions<any_of<is_admin_user, not_<slow_permission>>>>;
    static_assert(view_traits<slow_view, defaults<>, ctx_type>::blocking);
    static_assert(!view_traits<staff_or_carol, defaults<>, ctx_type>::blocking);
    SUCCEED("checked at compile time");
}
