/// @file
/// Cookies: parsing a request's `Cookie` header and formatting `Set-Cookie` the way
/// Django does (attribute order, `expires` beside `Max-Age`).
#ifndef WARDEN_CORE_COOKIE_HPP
#define WARDEN_CORE_COOKIE_HPP

#include <warden/core/http_date.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

/// SameSite attribute values.
enum class same_site : unsigned char { none_set, lax, strict, none };

/// A cookie to set (or delete) in a response.
struct cookie {
    std::string name;
    std::string value;
    /// Lifetime in seconds; also emits `expires` (now + max_age). Empty: a browser-session cookie.
    std::optional<std::int64_t> max_age;
    std::string domain;
    std::string path = "/";
    bool secure = false;
    bool http_only = false;
    warden::same_site same_site = warden::same_site::lax;

    /// The `Set-Cookie` header value, attributes in Django's order.
    /// @param now the current time, for `expires`.
    std::string to_header(std::chrono::system_clock::time_point now) const {
        std::string out;
        out.reserve(name.size() + value.size() + 96);
        out.append(name).push_back('=');
        out.append(value);
        if (!domain.empty()) out.append("; Domain=").append(domain);
        if (max_age) {
            auto when = *max_age <= 0 ? std::chrono::system_clock::time_point{}
                                      : now + std::chrono::seconds(*max_age);
            out.append("; expires=").append(format_http_date(when));
        }
        if (http_only) out.append("; HttpOnly");
        if (max_age) out.append("; Max-Age=").append(std::to_string(*max_age < 0 ? 0 : *max_age));
        out.append("; Path=").append(path);
        switch (same_site) {
        case warden::same_site::lax: out.append("; SameSite=Lax"); break;
        case warden::same_site::strict: out.append("; SameSite=Strict"); break;
        case warden::same_site::none: out.append("; SameSite=None"); break;
        case warden::same_site::none_set: break;
        }
        if (secure) out.append("; Secure");
        return out;
    }

    /// A cookie that deletes `name` (empty value, Max-Age=0, expired), as Django's delete_cookie.
    static cookie deletion(std::string name, std::string path = "/", std::string domain = {},
                           warden::same_site ss = warden::same_site::lax) {
        cookie c;
        c.name = std::move(name);
        c.value = "\"\"";
        c.max_age = 0;
        c.path = std::move(path);
        c.domain = std::move(domain);
        c.same_site = ss;
        c.secure = ss == warden::same_site::none || c.name.starts_with("__Secure-") || c.name.starts_with("__Host-");
        return c;
    }
};

/// Finds cookie `name` in a `Cookie` request header value (`a=1; b=2`, as browsers send
/// it): its value, or `std::nullopt` when absent. An empty value (`a=`) is present. Blanks
/// (spaces, tabs) around names and values are ignored; a value in double quotes is
/// returned without them; the first occurrence of a name wins.
///
/// @code
/// auto sid = warden::find_cookie("csrftoken=abc; sessionid=xyz", "sessionid");   // "xyz"
/// @endcode
inline std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) noexcept {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    while (!header.empty()) {
        auto semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        auto eq = part.find('=');
        if (eq == std::string_view::npos || trim(part.substr(0, eq)) != name) continue;
        std::string_view v = trim(part.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    }
    return std::nullopt;
}

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

} // namespace warden

#endif
