/// @file
/// The `sessionid` and `csrftoken` cookies as Django sets and deletes them, from the
/// app's settings, and reading a request's cookie with its presence.
///
/// Defaults (settings.hpp) are Django's: `sessionid` HttpOnly, SameSite=Lax, Path=/,
/// Max-Age=1209600 (two weeks); `csrftoken` readable by scripts (no HttpOnly),
/// SameSite=Lax, Path=/, Max-Age=31449600 (52 weeks). Beyond Django, both get `Secure`
/// automatically when the request came over TLS (as well as when configured), so a
/// cookie set over HTTPS is never sent back in clear.
#ifndef WARDEN_SESSION_COOKIES_HPP
#define WARDEN_SESSION_COOKIES_HPP

#include <warden/core/cookie.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace warden::session {

namespace detail {

// A cookie carrying `value` with the name, age, domain, path, HttpOnly and SameSite of
// a settings group (`settings::session` or `settings::csrf`, which share these
// members); Secure when the group asks for it or when `over_tls`.
template <class CookieSettings>
cookie cookie_from(const CookieSettings& cs, std::string value, bool over_tls) {
    cookie c;
    c.name = cs.cookie_name;
    c.value = std::move(value);
    c.max_age = cs.cookie_age;
    c.domain = cs.cookie_domain;
    c.path = cs.cookie_path;
    c.secure = cs.cookie_secure || over_tls;
    c.http_only = cs.cookie_http_only;
    c.same_site = cs.cookie_same_site;
    return c;
}

} // namespace detail

/// The session cookie carrying `key`, with the settings' name, age, domain, path,
/// HttpOnly and SameSite; Secure when configured or when `over_tls`.
///
/// @code
/// req.set_cookie(warden::session::session_cookie(ctx.settings(), key, req.is_secure()), ctx.clock().now());
/// @endcode
inline cookie session_cookie(const settings& s, std::string key, bool over_tls) {
    return detail::cookie_from(s.session, std::move(key), over_tls);
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

/// The CSRF cookie carrying `token` (a 64-character masked token, as Django 3.2
/// stores it), with the settings' name, age, domain, path, HttpOnly and SameSite;
/// Secure when configured or when `over_tls`.
inline cookie csrf_cookie(const settings& s, std::string token, bool over_tls) {
    return detail::cookie_from(s.csrf, std::move(token), over_tls);
}

/// Cookie `name` of a request, distinguishing an absent cookie (empty optional) from
/// an empty one (`sessionid=`), which Django treats as present. Like
/// `request::cookie`, the first occurrence wins; quotes around a value are removed.
///
/// @code
/// if (auto sid = warden::session::find_cookie(req, "sessionid")) { /* sent, maybe empty */ }
/// @endcode
inline std::optional<std::string_view> find_cookie(const request& req, std::string_view name) noexcept {
    const auto& msg = req.message();
    for (auto it = msg.find(http::field::cookie); it != msg.end() && it->name() == http::field::cookie; ++it) {
        std::string_view header = it->value();
        while (!header.empty()) {
            auto semi = header.find(';');
            std::string_view part = header.substr(0, semi);
            header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
            auto eq = part.find('=');
            if (eq == std::string_view::npos) continue;
            std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
            while (!k.empty() && (k.front() == ' ' || k.front() == '\t')) k.remove_prefix(1);
            while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.remove_suffix(1);
            if (k != name) continue;
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return std::nullopt;
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
