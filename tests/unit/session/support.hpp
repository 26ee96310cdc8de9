// Fixtures for the session tests: stores seeded like the reference site with cheap
// password hashing, the reference site's session routes, and cookie helpers.
#ifndef WARDEN_TESTS_UNIT_SESSION_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_SESSION_SUPPORT_HPP

#include <warden.hpp>
#include <warden/session/auth.hpp>
#include <warden/token/auth.hpp>
#include <warden/core/fields.hpp>
#include <warden/crypto/password.hpp>
#include <warden/session/views.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/test/client.hpp>
#include <warden/token/obtain.hpp>

#include <support/backends.hpp>
#include <support/users.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace session_test {

// Stores, and users seeded like the reference site (alice, bob staff, carol, dave
// inactive: ids 1-4) with cheap password hashing: shared with the other test areas.
using warden_test::add_user;
using warden_test::backends;
using warden_test::credentials;
using warden_test::seed;
using warden_test::set_active;
using warden_test::test_iterations;
using warden_test::test_settings;

// The reference site's views that sessions touch.
struct dashboard_api : warden::api_view<warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"message", "Hello " + req.user().username + ", welcome to your dashboard"}});
    }
};

struct notes_api : warden::api_view<warden::authentication<warden::token_auth, warden::session_auth>,
                                    warden::permissions<warden::is_authenticated_or_read_only>> {
    warden::response get(warden::request&) { return warden::json({{"notes", warden::json_array({})}}); }
    warden::response post(warden::request& req) {
        static const boost::json::value empty = "";
        auto it = req.data().find("text");
        return warden::json({{"created", it == req.data().end() ? empty : it->value()}}, warden::http::status::created);
    }
    warden::response delete_(warden::request&) { return warden::response{warden::http::status::no_content}; }
};

struct profile_api : warden::api_view<warden::authentication<warden::token_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) { return warden::json({{"username", req.user().username}}); }
};

// The app's default authentication, login required, any write.
struct echo_api : warden::api_view<warden::permissions<warden::is_authenticated>> {
    warden::response post(warden::request&) { return warden::json({{"ok", true}}, warden::http::status::created); }
};

// Who the session says: scheme and the fingerprint of the session id.
struct whoami_api : warden::api_view<warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username},
                             {"scheme", req.auth().scheme},
                             {"credential", req.auth().credential_id},
                             {"expires_at", req.auth().expires_at}});
    }
};

// Changes the logged-in user's password and keeps this session (Django's
// update_session_auth_hash); other sessions of the user end.
struct password_api : warden::api_view<warden::permissions<warden::is_authenticated>> {
    using requires_services = warden::services<warden::users_tag, warden::sessions_tag>;
    template <class Ctx>
    warden::response post(warden::request& req, Ctx& ctx) {
        warden::field_errors errs;
        auto pw = warden::char_field(req.data(), "password", errs, {.trim_whitespace = false});
        if (errs) return errs.response();
        auto& users = ctx.template get<warden::users_tag>();
        warden::user u = *users.find_user(req.user().id);
        warden::crypto::password_policy p;
        p.iterations = test_iterations;
        if (warden::crypto::make_password(*pw, u.password, p) || users.update_user(u))
            return warden::response{warden::http::status::internal_server_error};
        if (warden::session::update_session_auth_hash(req, ctx, u))
            return warden::response{warden::http::status::internal_server_error};
        return warden::response{warden::http::status::no_content};
    }
};

template <class Auth = warden::session_auth, class Store>
auto make_site(Store& db, warden::settings s = test_settings()) {
    using namespace warden;
    return app<defaults<parsers<json_parser, form_parser, multipart_parser>, authentication<Auth>>,
               route<"/api/dashboard/", dashboard_api>, route<"/api/notes/", notes_api>,
               route<"/api/profile/", profile_api>, route<"/api/whoami/", whoami_api>, route<"/api/echo/", echo_api>,
               route<"/api/password/", password_api>, route<"/api/login/", login_view>,
               route<"/api/logout/", logout_view>, route<"/api/token-auth/", obtain_auth_token>>(db, std::move(s));
}

template <class Client>
void login(Client& c, std::string_view user) {
    auto r = c.post("/api/login/", credentials(user));
    REQUIRE(r.status() == 200);
    REQUIRE(r.json() == boost::json::value{{"username", std::string(user)}});
}

// The Set-Cookie line of cookie `name` in a response, or empty.
inline std::string set_cookie(const warden::test::result& r, std::string_view name) {
    for (auto& line : r.headers("Set-Cookie"))
        if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == '=') return line;
    return {};
}

inline std::size_t set_cookie_count(const warden::test::result& r, std::string_view name) {
    std::size_t n = 0;
    for (auto& line : r.headers("Set-Cookie"))
        if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == '=') ++n;
    return n;
}

inline bool is_deletion(const std::string& line) {
    return line.find("=\"\";") != std::string::npos && line.find("Max-Age=0") != std::string::npos;
}

inline std::string csrf_detail(std::string_view reason) { return "CSRF Failed: " + std::string(reason); }

} // namespace session_test

#endif
