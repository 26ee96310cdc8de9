// Object permissions: notes that any logged-in user may read and only their owner, or
// staff, may change. DRF's IsOwnerOrReadOnly pattern with warden's composition:
//
//   permissions<is_authenticated, any_of<read_only, is_owner_or_staff>>
//
// A safe request passes `read_only` at both levels; a change passes the view level on
// `is_owner_or_staff` (it has no view-level objection) and is then decided per note by
// its object check, which the handler runs with `check_object_permissions`.
//
//   owner_permission [--port P]     (users alice, bob (staff) and carol; their tokens are printed)
//
// It includes only what it uses: the app (views, permissions, the app itself), the
// server, the memory store and token authentication, rather than all of <warden.hpp>.
#include <warden/app.hpp>
#include <warden/server.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/token/auth.hpp>
#include <warden/token/tokens.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cstdint>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace warden;

namespace notes_example {

struct note {
    int id = 0;
    std::int64_t owner_id = 0;
    std::string text;
};

// The app's notes, shared by every server thread.
struct notes_tag {};
class note_book {
public:
    using provides = warden::provides<notes_tag>;

    std::optional<note> find(int id) const {
        std::lock_guard lock(mutex_);
        auto it = notes_.find(id);
        if (it == notes_.end()) return std::nullopt;
        return it->second;
    }
    note add(std::int64_t owner, std::string text) {
        std::lock_guard lock(mutex_);
        note n{next_id_++, owner, std::move(text)};
        notes_[n.id] = n;
        return n;
    }
    void update(int id, std::string text) {
        std::lock_guard lock(mutex_);
        if (auto it = notes_.find(id); it != notes_.end()) it->second.text = std::move(text);
    }
    void remove(int id) {
        std::lock_guard lock(mutex_);
        notes_.erase(id);
    }
    std::vector<note> all() const {
        std::lock_guard lock(mutex_);
        std::vector<note> out;
        for (auto& [id, n] : notes_) out.push_back(n);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::map<int, note> notes_;
    int next_id_ = 1;
};

/// The object permission: the note's owner, or a staff user.
struct is_owner_or_staff {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = "Only the note's owner or staff may change it.";
    static constexpr std::string_view code = "not_owner";

    // No view-level objection: the decision is per object.
    template <class Request, class View>
    bool has_permission(const Request&, const View&) const {
        return true;
    }
    template <class Request, class View>
    bool has_object_permission(const Request& req, const View&, const note& n) const {
        return req.user().is_staff || n.owner_id == req.user().id;
    }
};

/// GET, HEAD and OPTIONS (DRF's SAFE_METHODS).
struct read_only {
    using policy_kind = permission_tag;
    template <class Request, class View>
    bool has_permission(const Request& req, const View&) const {
        auto m = req.method_string();
        return m == "GET" || m == "HEAD" || m == "OPTIONS";
    }
};

using owner_or_read_only = permissions<is_authenticated, any_of<read_only, is_owner_or_staff>>;

boost::json::object to_json(const note& n) {
    return {{"id", n.id}, {"owner", n.owner_id}, {"text", n.text}};
}

std::string text_of(request& req) {
    auto it = req.data().find("text");
    if (it == req.data().end() || !it->value().is_string())
        throw errors::validation(R"({"text":["This field is required."]})");
    return std::string(it->value().as_string());
}

/// /api/notes/: every note (GET); a new note owned by the caller (POST).
struct note_list : api_view<authentication<token_auth>, owner_or_read_only> {
    using requires_services = services<notes_tag>;

    template <class Ctx>
    response get(request&, Ctx& ctx) {
        boost::json::array out;
        for (auto& n : ctx.template get<notes_tag>().all()) out.push_back(to_json(n));
        boost::json::object body{{"notes", std::move(out)}};
        return json(body);
    }
    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        return json(to_json(ctx.template get<notes_tag>().add(req.user().id, text_of(req))), http::status::created);
    }
};

/// /api/notes/<id>/: read by any logged-in user; changed or deleted by its owner or staff.
struct note_detail : api_view<authentication<token_auth>, owner_or_read_only> {
    using requires_services = services<notes_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        note n = load(req, ctx);
        check_object_permissions(req, *this, ctx, n);
        return json(to_json(n));
    }
    template <class Ctx>
    response put(request& req, Ctx& ctx) {
        note n = load(req, ctx);
        check_object_permissions(req, *this, ctx, n);   // 403 with the message for others
        n.text = text_of(req);
        ctx.template get<notes_tag>().update(n.id, n.text);
        return json(to_json(n));
    }
    template <class Ctx>
    response delete_(request& req, Ctx& ctx) {
        note n = load(req, ctx);
        check_object_permissions(req, *this, ctx, n);
        ctx.template get<notes_tag>().remove(n.id);
        return response{http::status::no_content};
    }

private:
    template <class Ctx>
    static note load(request& req, Ctx& ctx) {
        auto n = ctx.template get<notes_tag>().find(req.param_as<int>("id").value_or(0));
        if (!n) throw errors::not_found();
        return *n;
    }
};

} // namespace notes_example

int main(int argc, char** argv) {
    using namespace notes_example;
    std::uint16_t port = 8000;
    if (argc == 3 && std::string_view(argv[1]) == "--port") {
        std::string_view v = argv[2];
        auto r = std::from_chars(v.data(), v.data() + v.size(), port);
        if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || port == 0) {
            std::cerr << "owner_permission: --port expects 1-65535\n";
            return 2;
        }
    } else if (argc != 1) {
        std::cerr << "usage: owner_permission [--port P]\n";
        return 2;
    }

    memory_store db;
    note_book notes;
    settings s = settings::from_env();
    std::map<std::string, std::string> keys;
    for (auto [name, staff] : {std::pair{"alice", false}, std::pair{"bob", true}, std::pair{"carol", false}}) {
        user u;
        u.username = name;
        u.email = std::string(name) + "@example.com";
        u.is_staff = staff;
        if (auto ec = db.create_user(u)) return std::cerr << "owner_permission: " << ec.message() << "\n", 1;
        if (auto ec = token::issue(db, u.id, s, warden::clock{}.now_seconds(), keys[name]))
            return std::cerr << "owner_permission: " << ec.message() << "\n", 1;
        notes.add(u.id, std::string(name) + "'s first note");
    }

    auto site = app<defaults<parsers<json_parser>>, route<"/api/notes/", note_list>,
                    route<"/api/notes/<int:id>/", note_detail>>(db, notes, s);

    std::string base = "http://127.0.0.1:" + std::to_string(port);
    std::cout << "owner_permission on " << base << "\n";
    for (auto& [name, key] : keys) std::cout << "token " << name << " " << key << "\n";
    std::cout << "try:\n"
              << "  curl -s " << base << "/api/notes/1/ -H 'Authorization: Token KEY_OF_CAROL'             # 200: anyone may read\n"
              << "  curl -s -X PUT " << base << "/api/notes/1/ -H 'Authorization: Token KEY_OF_CAROL' \\\n"
              << "       -H 'Content-Type: application/json' -d '{\"text\":\"mine now\"}'                       # 403: not the owner\n"
              << "  curl -s -X DELETE " << base << "/api/notes/1/ -H 'Authorization: Token KEY_OF_BOB'        # 204: staff\n"
              << std::flush;
    return serve(site, {.address = "127.0.0.1", .port = port});
}
