// Object permissions from handlers: check_object_permissions gives DRF's answers (403
// with the message, 404 when asked, NotAuthenticated without a successful
// authenticator), has_object_permissions filters, object_permission_denial reports.
#include "support.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>

using namespace warden;
using fixtures::test_auth;

namespace {

struct note {
    int id = 0;
    std::int64_t owner_id = 0;
    std::string text;
};

struct notes_tag {};
struct notes_service {
    using provides = warden::provides<notes_tag>;
    std::map<int, note> notes{{1, {1, 1, "alice's note"}}, {2, {2, 3, "carol's note"}}};
};

struct owner_or_staff {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = "Only the note's owner or staff may do this.";
    static constexpr std::string_view code = "not_owner";
    template <class Request, class View>
    bool has_permission(const Request&, const View&) const {
        return true;
    }
    template <class Request, class View>
    bool has_object_permission(const Request& req, const View&, const note& n) const {
        return req.user().is_staff || n.owner_id == req.user().id;
    }
};

struct read_only {
    using policy_kind = permission_tag;
    template <class Request, class View>
    bool has_permission(const Request& req, const View&) const {
        return detail::is_safe(req);
    }
};

// One handler body for every view: load, check the object, answer.
template <class Lists>
struct note_view;
template <class... Lists>
struct note_view<detail::type_list<Lists...>> : api_view<Lists...> {
    using requires_services = warden::services<notes_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        const note& n = load(req, ctx);
        check_object_permissions(req, *this, ctx, n);
        return json({{"id", n.id}, {"text", n.text}});
    }
    template <class Ctx>
    response delete_(request& req, Ctx& ctx) {
        const note& n = load(req, ctx);
        check_object_permissions(req, *this, ctx, n);
        ctx.template get<notes_tag>().notes.erase(n.id);
        return response{http::status::no_content};
    }

private:
    template <class Ctx>
    static const note& load(request& req, Ctx& ctx) {
        auto& notes = ctx.template get<notes_tag>().notes;
        auto it = notes.find(req.param_as<int>("id").value_or(0));
        if (it == notes.end()) throw errors::not_found();
        return it->second;
    }
};

template <class... Lists>
using note_api = note_view<detail::type_list<Lists...>>;

using owned = note_api<authentication<test_auth>, permissions<is_authenticated, owner_or_staff>>;
using hidden = note_api<authentication<test_auth>, permissions<is_authenticated, as_not_found<owner_or_staff>>>;
using readable = note_api<authentication<test_auth>, permissions<any_of<read_only, owner_or_staff>>>;
using open_notes = note_api<authentication<>, permissions<owner_or_staff>>;

// Lists the notes the user may see.
struct note_list : api_view<authentication<test_auth>, permissions<is_authenticated, owner_or_staff>> {
    using requires_services = warden::services<notes_tag>;
    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        boost::json::array ids;
        for (auto& [id, n] : ctx.template get<notes_tag>().notes)
            if (has_object_permissions(req, *this, ctx, n)) ids.push_back(id);
        boost::json::object out;
        out["ids"] = std::move(ids);
        return json(out);
    }
};

auto make_site(notes_service& notes) {
    return app<route<"/notes/<int:id>/", owned>, route<"/hidden/<int:id>/", hidden>,
               route<"/readable/<int:id>/", readable>, route<"/open/<int:id>/", open_notes>, route<"/notes/", note_list>>(notes);
}

} // namespace

TEST_CASE("check_object_permissions refuses another user's object with 403 and the permission's message",
          "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    test::client c{site};
    auto mine = c.get("/notes/1/", {{"Authorization", "Test alice"}});
    CHECK(mine.status() == 200);
    CHECK(mine.json().at("text") == "alice's note");
    auto theirs = c.get("/notes/2/", {{"Authorization", "Test alice"}});
    CHECK(theirs.status() == 403);
    CHECK(theirs.detail() == "Only the note's owner or staff may do this.");
    CHECK(theirs.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
    CHECK(c.del("/notes/2/", {{"Authorization", "Test alice"}}).status() == 403);
    CHECK(notes.notes.count(2) == 1);
    CHECK(c.get("/notes/2/", {{"Authorization", "Test bob"}}).status() == 200);   // staff
    CHECK(c.del("/notes/2/", {{"Authorization", "Test carol"}}).status() == 204);
    CHECK(notes.notes.count(2) == 0);
}

TEST_CASE("as_not_found hides another user's object behind 404", "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    test::client c{site};
    auto theirs = c.get("/hidden/2/", {{"Authorization", "Test alice"}});
    CHECK(theirs.status() == 404);
    CHECK(theirs.detail() == "Not found.");
    // The same answer as an object that does not exist: nothing to tell them apart.
    auto missing = c.get("/hidden/99/", {{"Authorization", "Test alice"}});
    CHECK(missing.status() == theirs.status());
    CHECK(missing.body() == theirs.body());
    CHECK(c.get("/hidden/2/", {{"Authorization", "Test carol"}}).status() == 200);
}

TEST_CASE("an object denial without a successful authenticator is NotAuthenticated: 401 with the challenge",
          "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    test::client c{site};
    // any_of<read_only, owner_or_staff> passes a DELETE at view level (owner_or_staff's
    // has_permission is true), so the anonymous request reaches the object check.
    auto anon = c.del("/readable/1/");
    CHECK(anon.status() == 401);
    CHECK(anon.header("WWW-Authenticate") == "Test");
    CHECK(anon.detail() == "Authentication credentials were not provided.");
    CHECK(notes.notes.count(1) == 1);
    CHECK(c.get("/readable/1/").status() == 200);   // read_only grants both levels
    auto carol = c.del("/readable/1/", {{"Authorization", "Test carol"}});
    CHECK(carol.status() == 403);
    CHECK(carol.detail() == "Only the note's owner or staff may do this.");
    CHECK(c.del("/readable/1/", {{"Authorization", "Test alice"}}).status() == 204);
}

TEST_CASE("an object denial on a view without authenticators is 403 with the message", "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    test::client c{site};
    auto anon = c.get("/open/1/");
    CHECK(anon.status() == 403);
    CHECK_FALSE(anon.has_header("WWW-Authenticate"));
    CHECK(anon.detail() == "Only the note's owner or staff may do this.");
}

TEST_CASE("has_object_permissions filters a list without refusing it", "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    test::client c{site};
    CHECK(c.get("/notes/", {{"Authorization", "Test alice"}}).json().at("ids") == boost::json::array{1});
    CHECK(c.get("/notes/", {{"Authorization", "Test carol"}}).json().at("ids") == boost::json::array{2});
    CHECK(c.get("/notes/", {{"Authorization", "Test bob"}}).json().at("ids") == boost::json::array{1, 2});
}

TEST_CASE("object_permission_denial reports the error as a value", "[permissions][object]") {
    notes_service notes;
    auto site = make_site(notes);
    auto& ctx = site.context();
    http_request msg{http::verb::get, "/notes/1/", 11};
    request req{msg, connection_info{"127.0.0.1", false}};
    auto u = std::make_shared<user>();
    u->id = 3;
    u->username = "carol";
    req.set_identity(u, {}, 0);
    owned view;
    auto denied = object_permission_denial(req, view, ctx, notes.notes.at(1));
    REQUIRE(denied);
    CHECK(denied->kind == error_kind::permission_denied);
    CHECK(denied->detail == "Only the note's owner or staff may do this.");
    CHECK(denied->code == "not_owner");
    CHECK_FALSE(object_permission_denial(req, view, ctx, notes.notes.at(2)));
    hidden hidden_view;
    auto hidden_denied = object_permission_denial(req, hidden_view, ctx, notes.notes.at(1));
    REQUIRE(hidden_denied);
    CHECK(hidden_denied->kind == error_kind::not_found);
    request anonymous{msg, connection_info{"127.0.0.1", false}};
    auto anon = object_permission_denial(anonymous, view, ctx, notes.notes.at(1));
    REQUIRE(anon);
    CHECK(anon->kind == error_kind::not_authenticated);
    CHECK_THROWS_AS(check_object_permissions(req, view, ctx, notes.notes.at(1)), api_error);
    CHECK_NOTHROW(check_object_permissions(req, view, ctx, notes.notes.at(2)));
}
