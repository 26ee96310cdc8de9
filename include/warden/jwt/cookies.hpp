/// @file
/// JWTs in HttpOnly cookies, for single-page apps: the token a script cannot read
/// cannot be stolen by a script (simplejwt issue 71, PR 157). Opt-in: the views below
/// set the cookies, `jwt::cookie_auth` (warden/jwt/auth.hpp) reads the access token
/// from its cookie.
///
/// - `cookie_token_obtain` (POST `username`, `password` as JSON): simplejwt's obtain
///   pair, with the tokens set as cookies instead of returned: the access token in
///   `settings.cookies.access_name` (Path `access_path`, Max-Age the access lifetime),
///   the refresh token in `refresh_name`, scoped to `refresh_path` so the browser sends
///   it only to the refresh and logout views; both HttpOnly, SameSite (Lax and Strict
///   by default) and Secure over TLS. The `csrftoken` cookie is rotated, as a session
///   login rotates it. Answers 200 `{"username": ..., "access_expires": <unix time>,
///   "refresh_expires": <unix time>}` so the page knows when to refresh; bad
///   credentials are simplejwt's 401. Throttled in the "login" scope (429 past the rate).
/// - `cookie_token_refresh` (POST, CSRF token in `X-CSRFToken`): simplejwt's refresh
///   with the refresh token from its cookie: a new access cookie (and, with
///   ROTATE_REFRESH_TOKENS, a new refresh cookie, the old token blacklisted), 200
///   `{"access_expires": ...[, "refresh_expires": ...]}`. No cookie, or a token that
///   fails (expired, blacklisted, the user gone): 401 with simplejwt's body, and both
///   cookies cleared.
/// - `cookie_logout` (POST, CSRF token): blacklists the refresh token, revokes the
///   access token (so `cookie_auth`, which checks revocations, refuses it even if a
///   copy survives), clears both cookies, 204.
///
/// CSRF: a cookie is sent by the browser whoever asks, so every view here but the
/// obtain view runs `csrf_protect`, and `cookie_auth` enforces CSRF on the unsafe
/// requests it authenticates, as `session_auth` does. The obtain view takes JSON only:
/// a cross-site form cannot send JSON without a CORS preflight, so another site cannot
/// log the browser in to its own account (login CSRF).
///
/// @code
/// auto site = warden::app<
///     warden::route<"/api/token/cookie/", warden::jwt::cookie_token_obtain>,
///     warden::route<"/api/token/cookie/refresh/", warden::jwt::cookie_token_refresh>,
///     warden::route<"/api/token/cookie/logout/", warden::jwt::cookie_logout>,
///     warden::route<"/api/me/", me_api>>(db, settings, keys);   // me_api: authentication<jwt::cookie_auth>
/// @endcode
#ifndef WARDEN_JWT_COOKIES_HPP
#define WARDEN_JWT_COOKIES_HPP

#include <warden/core/body.hpp>
#include <warden/core/cookie.hpp>
#include <warden/core/json.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/csrf/cookie.hpp>
#include <warden/csrf/enforce.hpp>
#include <warden/csrf/protect.hpp>
#include <warden/csrf/token.hpp>
#include <warden/jwt/auth.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/detail/views.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/failure.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/view/api_view.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace warden::jwt {

namespace detail {

// One of the two token cookies, HttpOnly, Secure when asked or over TLS.
inline cookie token_cookie(const settings& cfg, bool refresh, std::string value, std::chrono::seconds lifetime, bool over_tls) {
    const auto& c = cfg.cookies;
    cookie out;
    out.name = refresh ? c.refresh_name : c.access_name;
    out.value = std::move(value);
    out.max_age = lifetime.count();
    out.domain = c.domain;
    out.path = refresh ? c.refresh_path : c.access_path;
    out.secure = c.secure || over_tls;
    out.http_only = true;
    out.same_site = refresh ? c.refresh_same_site : c.access_same_site;
    return out;
}

// Queues the cookies of `t` (the refresh cookie only when a refresh token was issued).
inline void set_token_cookies(request& req, const settings& cfg, const issued_tokens& t,
                              std::chrono::system_clock::time_point now) {
    req.set_cookie(token_cookie(cfg, false, t.access, cfg.access_token_lifetime, req.is_secure()), now);
    if (!t.refresh.empty())
        req.set_cookie(token_cookie(cfg, true, t.refresh, cfg.refresh_token_lifetime, req.is_secure()), now);
}

// Queues the deletion of both cookies, with the paths and attributes they were set with.
inline void clear_token_cookies(request& req, const settings& cfg, std::chrono::system_clock::time_point now) {
    for (bool refresh : {false, true}) {
        cookie c = token_cookie(cfg, refresh, "\"\"", std::chrono::seconds(0), req.is_secure());
        req.set_cookie(c, now);
    }
}

inline response tokens_answer(const issued_tokens& t, bool with_username) {
    if (with_username)
        return json({{"username", t.owner->username}, {"access_expires", t.access_exp}, {"refresh_expires", t.refresh_exp}});
    if (t.refresh.empty()) return json({{"access_expires", t.access_exp}});
    return json({{"access_expires", t.access_exp}, {"refresh_expires", t.refresh_exp}});
}

} // namespace detail

/// POST credentials, get the tokens as HttpOnly cookies (see the file comment).
/// `Parsers`: JSON only by default, on purpose (login CSRF).
template <class Parsers = parsers<json_parser>>
struct basic_cookie_token_obtain : api_view<authentication<>, permissions<>, throttles<scoped_rate>, Parsers> {
    static constexpr std::string_view name = "Cookie Token Obtain";
    /// Throttled as every view that checks a password (`settings.throttle_rates["login"]`).
    static constexpr std::string_view throttle_scope = "login";
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        std::optional<response> refused;
        auto issued = detail::obtain_pair(req, ctx, k, refused);
        if (!issued) return std::move(*refused);
        const auto now = ctx.clock().now();
        detail::set_token_cookies(req, k.config(), *issued, now);
        // A new login gets a new CSRF secret, as Django's login() rotates it.
        req.set_cookie(csrf::csrf_cookie(ctx.settings(), csrf::new_token(), req.is_secure()), now);
        return detail::tokens_answer(*issued, true);
    }
};

/// POST (with the CSRF token) to refresh the access cookie from the refresh cookie
/// (see the file comment).
template <csrf_origin_check OriginCheck = csrf_origin_check::always, class Parsers = parsers<json_parser>>
struct basic_cookie_token_refresh : api_view<authentication<basic_csrf_protect<OriginCheck>>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Cookie Token Refresh";
    using requires_services = services<users_tag, jwt_keys_tag, jwt_blacklist_tag>;

    /// The detail of the 401 for a request without the refresh cookie.
    static constexpr std::string_view no_cookie = "Refresh token cookie not set.";

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const auto now = ctx.clock().now();
        std::optional<response> refused;
        auto raw = req.find_cookie(k.config().cookies.refresh_name);
        if (!raw || raw->empty()) {
            refused = detail::unauthorized(
                "{\"detail\":\"" + std::string(no_cookie) + "\",\"code\":\"" + std::string(token_not_valid_code) + "\"}", k);
        } else {
            claims c;
            if (!(refused = detail::read_token(*raw, ctx, k, token_type::refresh, c))) {
                if (auto issued = detail::refresh_pair(c, ctx, k, refused)) {
                    detail::set_token_cookies(req, k.config(), *issued, now);
                    return detail::tokens_answer(*issued, false);
                }
            }
        }
        detail::clear_token_cookies(req, k.config(), now);   // the browser stops sending a dead token
        return std::move(*refused);
    }
};

/// POST (with the CSRF token) to log out of the cookie flow: refresh token blacklisted,
/// access token revoked, both cookies cleared, 204 (see the file comment).
template <csrf_origin_check OriginCheck = csrf_origin_check::always, class Parsers = parsers<json_parser>>
struct basic_cookie_logout : api_view<authentication<basic_csrf_protect<OriginCheck>>, permissions<>, Parsers> {
    static constexpr std::string_view name = "Cookie Logout";
    using requires_services = services<jwt_keys_tag, jwt_blacklist_tag>;

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const settings& cfg = k.config();
        auto& store = ctx.template get<jwt_blacklist_tag>();
        const auto now = ctx.clock().now();
        if (auto raw = req.find_cookie(cfg.cookies.refresh_name); raw && !raw->empty()) {
            claims c;
            std::error_code ec;
            if (!k.backend().validate(*raw, token_type::refresh, c, now) &&
                !blacklist(store, c.object(), cfg, jwt::detail::unix_seconds(now), ec) && ec)
                raise_store_failure(ec);
        }
        if (auto raw = req.find_cookie(cfg.cookies.access_name); raw && !raw->empty()) (void)revoke(store, *raw, k, now);
        detail::clear_token_cookies(req, cfg, now);
        return response{http::status::no_content};
    }
};

/// `basic_cookie_token_obtain` taking JSON.
using cookie_token_obtain = basic_cookie_token_obtain<>;
/// `basic_cookie_token_refresh` with Origin checked over HTTPS.
using cookie_token_refresh = basic_cookie_token_refresh<>;
/// `basic_cookie_logout` with Origin checked over HTTPS.
using cookie_logout = basic_cookie_logout<>;

} // namespace warden::jwt

#endif
