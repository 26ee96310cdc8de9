/// @file
/// simplejwt 5.2's views: `token_obtain_pair`, `token_refresh`, `token_verify`,
/// `token_blacklist`, `token_obtain_sliding`, `token_refresh_sliding`.
///
/// Each is simplejwt's TokenViewBase: no authenticators, no permissions, the app's
/// default throttles (the obtain views: the scope "login", 60 a minute per client by
/// default, shared with the other views that check a password), POST only, and
/// answers byte for byte what simplejwt answers:
/// - fields are DRF CharFields (required, not null, not blank, whitespace trimmed):
///   400 `{"refresh": ["This field is required."]}`;
/// - a token that fails: 401 `{"detail": <simplejwt's TokenError message>, "code":
///   "token_not_valid"}` with `WWW-Authenticate: Bearer realm="api"`;
/// - success: 200 with the tokens, or `{}`.
/// OPTIONS answers DRF's metadata for the view, including its serializer's fields.
///
/// `Parsers` is the body parsers' list (DRF's defaults: JSON, form, multipart); the
/// aliases without `basic_` use it, e.g. `jwt::basic_token_refresh<parsers<json_parser,
/// form_parser>>` is a site whose DEFAULT_PARSER_CLASSES are JSON and form.
///
/// Differences from simplejwt 5.2, all stricter:
/// - refreshing (and sliding refresh) refuses a user who is gone or switched off:
///   401 `{"detail": "No active account found for the given token."}` (simplejwt 5.3's
///   answer; 5.2 keeps issuing access tokens to them);
/// - a rotated refresh token is recorded as outstanding (5.2 records only the first),
///   so `jwt::blacklist_user` reaches it; of two concurrent refreshes of one token with
///   BLACKLIST_AFTER_ROTATION, only one succeeds;
/// - `token_verify` consults the blacklist whatever BLACKLIST_AFTER_ROTATION says, so
///   revoked access tokens (`jwt::revoke`) verify as blacklisted;
/// - a refresh token without `jti` is "Token has no id" (simplejwt fails with a 500);
/// - a store that fails answers 503 with Retry-After (simplejwt: an HTML 500).
///
/// Services: `jwt_keys_tag` (a `jwt::key_service`) and `jwt_blacklist_tag` for all of them,
/// and `users_tag` for the obtain and refresh views. The obtain views check passwords
/// (`may_block`), so the server runs them off the I/O threads, like any view using a
/// blocking store.
///
/// @code
/// auto site = warden::app<warden::route<"/api/token/", warden::jwt::token_obtain_pair>,
///                         warden::route<"/api/token/refresh/", warden::jwt::token_refresh>,
///                         warden::route<"/api/token/verify/", warden::jwt::token_verify>,
///                         warden::route<"/api/token/blacklist/", warden::jwt::token_blacklist>>(
///     db, warden::settings::from_env(), warden::jwt::key_service::hs256(secret, cfg));
/// @endcode
#ifndef WARDEN_JWT_VIEWS_HPP
#define WARDEN_JWT_VIEWS_HPP

#include <warden/auth/credentials.hpp>
#include <warden/core/body.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/fields.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/json.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/jwt/auth.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/detail/views.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/failure.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/view/api_view.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt {

/// DRF's default parsers (JSON, form, multipart), which simplejwt's views use.
using default_view_parsers = parsers<json_parser, form_parser, multipart_parser>;

/// POST `username` and `password`, get `{"refresh": ..., "access": ...}`: simplejwt's
/// TokenObtainPairView. Bad credentials or a switched-off account: 401 `{"detail": "No
/// active account found with the given credentials"}`. The refresh token is recorded as
/// outstanding.
template <class Parsers = default_view_parsers>
struct basic_token_obtain_pair : api_view<authentication<>, permissions<>, throttles<scoped_rate>, Parsers> {
    static constexpr std::string_view name = "Token Obtain Pair";
    static constexpr std::string_view throttle_scope = "login";
    static constexpr std::string_view description =
        "Takes a set of user credentials and returns an access and refresh JSON web\n"
        "token pair to prove the authentication of those credentials.";
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        std::optional<response> refused;
        auto issued = detail::obtain_pair(req, ctx, k, refused);
        if (!issued) return std::move(*refused);
        return json({{"refresh", issued->refresh}, {"access", issued->access}});
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::credential_fields, typename Parsers::types{});
    }
};

/// POST `refresh`, get `{"access": ...}` (and with ROTATE_REFRESH_TOKENS a new
/// `"refresh"`, the old one blacklisted with BLACKLIST_AFTER_ROTATION): simplejwt's
/// TokenRefreshView, refusing users who are gone or switched off.
template <class Parsers = default_view_parsers>
struct basic_token_refresh : api_view<authentication<>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Token Refresh";
    static constexpr std::string_view description =
        "Takes a refresh type JSON web token and returns an access type JSON web\n"
        "token if the refresh token is valid.";
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        claims c;
        if (auto refused = detail::read_posted_token(req, ctx, k, "refresh", token_type::refresh, c)) return std::move(*refused);
        std::optional<response> refused;
        auto issued = detail::refresh_pair(c, ctx, k, refused);
        if (!issued) return std::move(*refused);
        if (issued->refresh.empty()) return json({{"access", issued->access}});
        return json({{"access", issued->access}, {"refresh", issued->refresh}});
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::refresh_fields, typename Parsers::types{});
    }
};

/// POST `token`, get `{}` when it is valid (signature, expiry, `jti`; any type):
/// simplejwt's TokenVerifyView. A blacklisted token is 400 `{"non_field_errors":
/// ["Token is blacklisted"]}`.
template <class Parsers = default_view_parsers>
struct basic_token_verify : api_view<authentication<>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Token Verify";
    static constexpr std::string_view description =
        "Takes a token and indicates if it is valid.  This view provides no\n"
        "information about a token's fitness for a particular use.";
    using requires_services = services<jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        field_errors errs;
        auto raw = char_field(req.data(), "token", errs);
        if (errs) return errs.response();
        claims c;
        if (auto ec = k.backend().validate(*raw, token_type::untyped, c, ctx.clock().now())) return detail::invalid_token(ec, k);
        if (auto ec = check_blacklist(ctx.template get<jwt_blacklist_tag>(), c, k.config())) {
            if (is_store_failure(ec)) raise_store_failure(ec);
            errs.add_non_field("Token is blacklisted");
            return errs.response();
        }
        return response{http::status::ok, "{}"};
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::token_fields, typename Parsers::types{});
    }
};

/// POST `refresh` to blacklist that refresh token, get `{}`: simplejwt's
/// TokenBlacklistView (logout). A token already blacklisted is 401 "Token is
/// blacklisted"; an access token is "Token has wrong type" (see `jwt::revoke` for
/// access tokens).
template <class Parsers = default_view_parsers>
struct basic_token_blacklist : api_view<authentication<>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Token Blacklist";
    static constexpr std::string_view description =
        "Takes a token and blacklists it. Must be used with the\n"
        "`rest_framework_simplejwt.token_blacklist` app installed.";
    using requires_services = services<jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const settings& cfg = k.config();
        claims c;
        if (auto refused = detail::read_posted_token(req, ctx, k, "refresh", token_type::refresh, c)) return std::move(*refused);
        std::error_code ec;
        (void)blacklist(ctx.template get<jwt_blacklist_tag>(), c.object(), cfg, jwt::detail::unix_seconds(ctx.clock().now()), ec);
        if (ec) raise_store_failure(ec);
        return response{http::status::ok, "{}"};
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::blacklist_fields, typename Parsers::types{});
    }
};

/// POST `username` and `password`, get `{"token": ...}`, a sliding token:
/// simplejwt's TokenObtainSlidingView.
template <class Parsers = default_view_parsers>
struct basic_token_obtain_sliding : api_view<authentication<>, permissions<>, throttles<scoped_rate>, Parsers> {
    static constexpr std::string_view throttle_scope = "login";
    static constexpr std::string_view name = "Token Obtain Sliding";
    static constexpr std::string_view description =
        "Takes a set of user credentials and returns a sliding JSON web token to\n"
        "prove the authentication of those credentials.";
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        std::optional<response> refused;
        auto u = detail::obtain_user(req, ctx, k, refused);
        if (!u) return std::move(*refused);
        token sliding = detail::issue_for(token_type::sliding, *u, k, ctx);
        std::string t = k.encode(sliding);
        detail::update_last_login(*u, k.config(), ctx);
        return json({{"token", t}});
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::credential_fields, typename Parsers::types{});
    }
};

/// POST a sliding `token` whose refresh period (`refresh_exp`) has not ended, get
/// `{"token": ...}` with a new `exp` and `iat` (same `jti`): simplejwt's
/// TokenRefreshSlidingView, refusing users who are gone or switched off.
template <class Parsers = default_view_parsers>
struct basic_token_refresh_sliding : api_view<authentication<>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Token Refresh Sliding";
    static constexpr std::string_view description =
        "Takes a sliding JSON web token and returns a new, refreshed version if the\n"
        "token's refresh period has not expired.";
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const settings& cfg = k.config();
        claims c;
        if (auto refused = detail::read_posted_token(req, ctx, k, "token", token_type::sliding, c)) return std::move(*refused);
        const auto now = ctx.clock().now();
        token sliding = token::from_claims(token_type::sliding, c.to_object(), now);
        if (auto ec = sliding.check_exp(cfg.sliding_token_refresh_exp_claim, cfg.leeway, now))
            return detail::invalid_token(ec, k);
        if (!detail::active_owner(ctx.template get<users_tag>(), sliding.payload(), cfg))
            return detail::no_active_account(detail::refresh_user_gone, k);
        sliding.set_exp(cfg);
        sliding.set_iat();
        return json({{"token", k.encode(sliding)}});
    }

    response options(request&) {
        return detail::options_metadata(name, description, detail::token_fields, typename Parsers::types{});
    }
};

/// simplejwt's TokenObtainPairView with DRF's default parsers.
using token_obtain_pair = basic_token_obtain_pair<>;
/// simplejwt's TokenRefreshView with DRF's default parsers.
using token_refresh = basic_token_refresh<>;
/// simplejwt's TokenVerifyView with DRF's default parsers.
using token_verify = basic_token_verify<>;
/// simplejwt's TokenBlacklistView with DRF's default parsers.
using token_blacklist = basic_token_blacklist<>;
/// simplejwt's TokenObtainSlidingView with DRF's default parsers.
using token_obtain_sliding = basic_token_obtain_sliding<>;
/// simplejwt's TokenRefreshSlidingView with DRF's default parsers.
using token_refresh_sliding = basic_token_refresh_sliding<>;

} // namespace warden::jwt

#endif
