/// @file
/// `logout_token` and `logout_all`: revoking API tokens over HTTP, as django-rest-knox's
/// LogoutView and LogoutAllView do (DRF itself has no such views).
#ifndef WARDEN_TOKEN_LOGOUT_HPP
#define WARDEN_TOKEN_LOGOUT_HPP

#include <warden/core/fixed_string.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/permissions/builtin.hpp>
#include <warden/store/failure.hpp>
#include <warden/token/auth.hpp>
#include <warden/token/tokens.hpp>
#include <warden/view/api_view.hpp>

#include <string_view>
#include <system_error>

namespace warden {

/// POST with `Authorization: <Keyword> <key>` to revoke that one token: 204, and the
/// key stops working at once. Without a valid token: 401, as any token-authenticated
/// view. Use `logout_token` (keyword "Token").
///
/// @code
/// auto site = warden::app<warden::route<"/api/token-auth/", warden::obtain_auth_token>,
///                         warden::route<"/api/token-auth/logout/", warden::logout_token>,
///                         warden::route<"/api/token-auth/logout-all/", warden::logout_all>>(db);
/// // curl -X POST .../api/token-auth/logout/ -H 'Authorization: Token KEY'   -> 204
/// @endcode
template <fixed_string Keyword>
struct basic_logout_token : api_view<authentication<basic_token_auth<Keyword>>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Logout Token";
    static constexpr std::string_view description = "Revokes the token that authenticates the request.";
    using requires_services = services<tokens_tag>;

    /// A store failure answers 503 (`raise_store_failure`).
    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        std::error_code ec;
        (void)token::revoke(ctx.template get<tokens_tag>(), basic_token_auth<Keyword>::presented_key(req), ec);
        if (ec) raise_store_failure(ec);
        return response{http::status::no_content};
    }
};

/// knox's LogoutView for DRF's `Authorization: Token <key>`.
using logout_token = basic_logout_token<"Token">;

/// POST to end every credential of the authenticated user: all their tokens, all their
/// sessions when the app has a session store, and all their outstanding JWT refresh
/// tokens (blacklisted) when it has a JWT blacklist: 204. The "log out everywhere" of a
/// lost device. `Authentication` is the authenticator list (token authentication by
/// default; `authentication<token_auth, session_auth>` lets a browser session use it
/// too, with CSRF). Use `logout_all`.
///
/// @code
/// using logout_everywhere = warden::basic_logout_all<warden::authentication<warden::token_auth, warden::session_auth>>;
/// @endcode
template <class Authentication>
struct basic_logout_all : api_view<Authentication, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Logout All";
    static constexpr std::string_view description =
        "Revokes every token of the authenticated user and ends their sessions and JWT refresh tokens.";
    using requires_services = services<tokens_tag>;

    /// A store failure answers 503 (`raise_store_failure`); what was revoked before it
    /// stays revoked, and the client may retry.
    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const auto id = req.user().id;
        std::error_code ec;
        (void)token::revoke_all(ctx.template get<tokens_tag>(), id, ec);
        if constexpr (Ctx::template has<sessions_tag>)
            if (!ec) (void)ctx.template get<sessions_tag>().delete_user_sessions(id, {}, ec);
        if constexpr (Ctx::template has<jwt_blacklist_tag>)
            if (!ec) (void)ctx.template get<jwt_blacklist_tag>().blacklist_user(id, ctx.clock().now_seconds(), ec);
        if (ec) raise_store_failure(ec);
        return response{http::status::no_content};
    }
};

/// knox's LogoutAllView, authenticated by DRF's token authentication.
using logout_all = basic_logout_all<authentication<token_auth>>;

} // namespace warden

#endif
