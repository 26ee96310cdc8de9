/// @file
/// The `sessionid` cookie as Django sets and deletes it, from the app's settings, and
/// `Vary: Cookie` for responses that depend on it. (The `csrftoken` cookie:
/// warden/csrf/cookie.hpp; reading a request's cookies: `request::find_cookie`.)
///
/// Defaults (core/settings.hpp) are Django's: HttpOnly, SameSite=Lax, Path=/,
/// Max-Age=1209600 (two weeks). Beyond Django, it gets `Secure` automatically when the
/// request came over TLS (as well as when configured), so a cookie set over HTTPS is
/// never sent back in clear.
#ifndef WARDEN_SESSION_COOKIES_HPP
#define WARDEN_SESSION_COOKIES_HPP

#include <warden/core/cookie.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace warden::session {

/// The session cookie carrying `key`, with the settings' name, age, domain, path,
/// HttpOnly and SameSite; Secure when configured or when `over_tls`.
///
/// @code
/// req.set_cookie(warden::session::session_cookie(ctx.settings(), key, req.is_secure()), ctx.clock().now());
/// @endcode
inline cookie session_cookie(const settings& s, std::string key, bool over_tls) {
    return warden::detail::cookie_from(s.session, std::move(key), over_tls);
}

/// The cookie that clears the session cookie (empty value, Max-Age=0, expired), as
/// Django's `delete_cookie` with the session cookie's path, domain and SameSite.
inline cookie session_cookie_deletion(const settings& s, bool over_tls) {
    cookie c = cookie::deletion(s.session.cookie_name, s.session.cookie_path, s.session.cookie_domain,
                                s.session.cookie_same_site);
    // A Secure cookie is best cleared by a Secure Set-Cookie (browsers that "leave
    // secure cookies alone" would otherwise ignore it on a later plain-HTTP response).
    c.secure = c.secure || s.session.cookie_secure || over_tls;
    return c;
}

/// Adds `Vary: Cookie` to the response once (Django's `patch_vary_headers`), for
/// responses that depend on the session or CSRF cookie.
inline void vary_on_cookie(request& req) {
    for (const auto& h : req.response_headers())
        if (h.field == http::field::vary && h.value == "Cookie") return;
    req.add_response_header(http::field::vary, "Cookie");
}

} // namespace warden::session

#endif
