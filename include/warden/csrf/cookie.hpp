/// @file
/// The `csrftoken` cookie as Django sets it, from the app's settings.
///
/// Defaults (core/settings.hpp) are Django's: readable by scripts (no HttpOnly, so a page
/// can copy it into the `X-CSRFToken` header), SameSite=Lax, Path=/, Max-Age=31449600
/// (52 weeks). Beyond Django, it gets `Secure` automatically when the request came over
/// TLS (as well as when configured), so a cookie set over HTTPS is never sent back in
/// clear.
#ifndef WARDEN_CSRF_COOKIE_HPP
#define WARDEN_CSRF_COOKIE_HPP

#include <warden/core/cookie.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>
#include <warden/csrf/token.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace warden::csrf {

/// The CSRF cookie carrying `token` (a 64-character masked token, as Django 3.2
/// stores it), with the settings' name, age, domain, path, HttpOnly and SameSite;
/// Secure when configured or when `over_tls`.
///
/// @code
/// req.set_cookie(warden::csrf::csrf_cookie(ctx.settings(), warden::csrf::new_token(), req.is_secure()), ctx.clock().now());
/// @endcode
inline cookie csrf_cookie(const settings& s, std::string token, bool over_tls) {
    return warden::detail::cookie_from(s.csrf, std::move(token), over_tls);
}

/// Django's `get_token(request)`, for a page with a form (`csrfmiddlewaretoken`) or a
/// view that hands a script the cookie it will copy into `X-CSRFToken`: keeps the
/// request's `csrftoken` cookie when it is well formed (a 32-character secret becomes a
/// masked token, as Django's `_sanitize_token` does) or draws a new one, queues the
/// cookie on the response (its expiry renewed, as Django re-sends a used cookie), and
/// returns a fresh masking of its secret for the page (a new mask per page: BREACH).
///
/// @throws std::system_error if the CSPRNG fails.
/// @code
/// std::string form_token = warden::csrf::get_token(req, ctx.settings(), ctx.clock().now());
/// @endcode
inline std::string get_token(request& req, const settings& s, std::chrono::system_clock::time_point now) {
    std::optional<std::string> token;
    if (auto value = req.find_cookie(s.csrf.cookie_name)) token = sanitize_token(*value);
    if (!token) token = new_token();
    std::string for_page = mask_secret(unmask_token(*token));
    req.set_cookie(csrf_cookie(s, std::move(*token), req.is_secure()), now);
    return for_page;
}

} // namespace warden::csrf

#endif
