/// @file
/// `login_view` and `logout_view`: the tutorial's session login and logout endpoints
/// (the reference site's LoginAPI and LogoutAPI).
#ifndef WARDEN_SESSION_VIEWS_HPP
#define WARDEN_SESSION_VIEWS_HPP

#include <warden/auth/credentials.hpp>
#include <warden/core/body.hpp>
#include <warden/core/fields.hpp>
#include <warden/core/json.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/permissions/builtin.hpp>
#include <warden/session/auth.hpp>
#include <warden/session/login.hpp>
#include <warden/store/failure.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/view/api_view.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace warden {

/// POST `username` and `password` (JSON, form or multipart) to start a session; use
/// `login_view`.
///
/// Success: 200 `{"username": ...}` with the `sessionid` cookie and a rotated
/// `csrftoken` cookie (see `session::login`: a fresh session id unless the same user's
/// session is already there, another user's session flushed). Anything else, wrong
/// password, unknown or inactive user, missing, null or non-string fields: 400
/// `{"detail": "Invalid username or password."}`, with the same PBKDF2 work in every
/// case, and the request's session left alone. A store that fails: 503 with
/// Retry-After.
///
/// Like the reference's LoginAPI it has no authenticators (so no CSRF check: there is
/// no session to protect yet) and allows anyone. It is throttled under the scope
/// "login" (`settings.throttle_rates["login"]`, 60 a minute per client by default),
/// shared with the other views that check a password. It runs PBKDF2, so the server
/// handles it on its hashing pool (`may_block`).
///
/// `Parsers` is the body parsers' list (JSON, form and multipart by default, DRF's
/// default parsers); `basic_login_view<parsers<json_parser, form_parser>>` is the
/// reference site's LoginAPI, which answers 415 to multipart as its DRF site does.
///
/// @code
/// auto site = warden::app<warden::route<"/api/login/", warden::login_view>,
///                         warden::route<"/api/logout/", warden::logout_view>, ...>(db, settings);
/// @endcode
template <class Parsers = parsers<json_parser, form_parser, multipart_parser>>
struct basic_login_view : api_view<authentication<>, permissions<>, throttles<scoped_rate>, Parsers> {
    static constexpr std::string_view name = "Login";
    static constexpr std::string_view throttle_scope = "login";
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, sessions_tag>;

    /// The body of every refused login.
    static constexpr std::string_view invalid = R"({"detail":"Invalid username or password."})";

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        // Django's authenticate() takes whatever request.data holds: absent or null
        // fields fail; numbers stand for their text; a blank username is simply unknown.
        field_errors errs;
        const char_field_options opt{.required = true, .allow_blank = true, .trim_whitespace = false};
        auto username = char_field(req.data(), "username", errs, opt);
        auto password = char_field(req.data(), "password", errs, opt);
        std::shared_ptr<const user> u;
        std::error_code ec;
        if (!errs) u = check_credentials(ctx.template get<users_tag>(), ctx.settings(), *username, *password, ec);
        else (void)crypto::simulate_password_check(password_policy_of(ctx.settings()));   // same cost
        if (ec) raise_store_failure(ec);
        if (!u) return response{http::status::bad_request, std::string(invalid)};
        if ((ec = session::login(req, ctx, u))) raise_store_failure(ec);
        return json({{"username", u->username}});
    }
};

/// Session login taking JSON, form and multipart bodies.
using login_view = basic_login_view<>;

/// POST to end the session: the store forgets it, the cookie is cleared, 204 (503 with
/// Retry-After when the store fails: the session may then still exist).
///
/// Session-authenticated and login required, like the reference's LogoutAPI, so the
/// POST must carry the CSRF token (a cross-site page cannot log the user out), and a
/// request without a live session is 403.
struct logout_view : api_view<authentication<session_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Logout";
    using requires_services = services<sessions_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        if (auto ec = session::logout(req, ctx)) raise_store_failure(ec);
        return response{http::status::no_content};
    }
};

} // namespace warden

#endif
