/// @file
/// `obtain_auth_token`: DRF's obtain_auth_token view (POST username and password, get
/// `{"token": KEY}`).
#ifndef WARDEN_TOKEN_OBTAIN_HPP
#define WARDEN_TOKEN_OBTAIN_HPP

#include <warden/auth/credentials.hpp>
#include <warden/core/body.hpp>
#include <warden/core/fields.hpp>
#include <warden/core/json.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/store/failure.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/token/tokens.hpp>
#include <warden/view/api_view.hpp>

#include <string>
#include <system_error>

namespace warden {

/// POST `username` and `password` (JSON, form or multipart) to get a token.
///
/// Errors are DRF's AuthTokenSerializer's exactly: required, blank, null and
/// non-string fields per field; bad credentials or an inactive account
/// `{"non_field_errors": ["Unable to log in with provided credentials."]}`. A store
/// that fails answers 503 with Retry-After.
///
/// Unlike DRF, which returns the user's one stored key, each call mints a new token:
/// warden stores only a digest and cannot give an old key back. A user holds at most
/// `settings.token.max_per_user` tokens (10 by default: the oldest is revoked when an
/// eleventh is made), and `token.ttl` sets an expiry. `logout_token` and `logout_all`
/// (token/logout.hpp) revoke them.
///
/// Throttled under the scope "login" (`settings.throttle_rates["login"]`, 60 a minute
/// per client by default), shared with the other views that check a password.
///
/// @code
/// auto site = warden::app<warden::route<"/api/token-auth/", warden::obtain_auth_token>>(db);
/// @endcode
struct obtain_auth_token
    : api_view<permissions<>, throttles<scoped_rate>, parsers<form_parser, multipart_parser, json_parser>> {
    static constexpr std::string_view name = "Obtain Auth Token";
    static constexpr std::string_view throttle_scope = "login";
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, tokens_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        field_errors errs;
        auto username = char_field(req.data(), "username", errs);
        auto password = char_field(req.data(), "password", errs, {.trim_whitespace = false});
        if (errs) return errs.response();
        std::error_code ec;
        auto u = check_credentials(ctx.template get<users_tag>(), ctx.settings(), *username, *password, ec);
        if (ec) raise_store_failure(ec);
        if (!u) {
            errs.add_non_field("Unable to log in with provided credentials.");
            return errs.response();
        }
        std::string key;
        if ((ec = token::issue(ctx.template get<tokens_tag>(), u->id, ctx.settings(), ctx.clock().now_seconds(), key)))
            raise_store_failure(ec);
        return json({{"token", key}});
    }
};

} // namespace warden

#endif
