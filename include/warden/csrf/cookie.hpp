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
#include <warden/core/settings.hpp>

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

} // namespace warden::csrf

#endif
