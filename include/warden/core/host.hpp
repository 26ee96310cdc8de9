/// @file
/// The Host header as Django reads it: `request.get_host()` validation and the
/// ALLOWED_HOSTS match (`settings.allowed_hosts`).
///
/// The app answers 400 `{"detail": "Invalid Host header."}` to a request whose Host is
/// malformed or not allowed, before any view runs, as Django's CommonMiddleware does;
/// the CSRF Referer check then compares against a host known to be the site's own.
/// Allowing only the site's names defeats DNS rebinding (a page of another site whose
/// name now resolves to this server) and poisoned absolute links.
#ifndef WARDEN_CORE_HOST_HPP
#define WARDEN_CORE_HOST_HPP

#include <warden/core/detail/ascii.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace warden {

namespace detail {

// `(:\d+)?$` on what follows the host part.
constexpr bool port_suffix_ok(std::string_view rest) noexcept {
    if (rest.empty()) return true;
    if (rest.front() != ':' || rest.size() < 2) return false;
    for (char c : rest.substr(1))
        if (!ascii_digit(c)) return false;
    return true;
}

// Django's get_host() validation: the Host header as sent when, lowercased, it matches
// host_validation_re `^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9\.:]+\])(:\d+)?$` and its domain
// (without port and one trailing dot) is not empty; otherwise empty.
constexpr std::string_view validated_host(std::string_view host) noexcept {
    if (host.empty()) return {};
    if (host.front() == '[') {
        auto close = host.find(']');
        if (close == std::string_view::npos) return {};
        std::string_view inside = host.substr(1, close - 1);
        // [a-f0-9]*:[a-f0-9.:]+ : hex digits up to the first ':', then at least one of [a-f0-9.:].
        std::size_t i = 0;
        while (i < inside.size() && ascii_hex(inside[i])) ++i;
        if (i >= inside.size() || inside[i] != ':' || i + 1 >= inside.size()) return {};
        for (std::size_t k = i + 1; k < inside.size(); ++k) {
            char c = inside[k];
            if (!(ascii_hex(c) || c == '.' || c == ':')) return {};
        }
        return port_suffix_ok(host.substr(close + 1)) ? host : std::string_view{};
    }
    auto colon = host.find(':');
    std::string_view name = host.substr(0, colon);
    if (name.empty()) return {};
    for (char ch : name) {
        if (!(ascii_alpha(ch) || ascii_digit(ch) || ch == '.' || ch == '-')) return {};
    }
    if (colon != std::string_view::npos && !port_suffix_ok(host.substr(colon))) return {};
    if (name.back() == '.') name.remove_suffix(1);   // split_domain_port drops one trailing dot
    return name.empty() ? std::string_view{} : host;
}

// Django's is_same_domain(host, pattern): the pattern is lowercased, the host is not.
constexpr bool is_same_domain(std::string_view host, std::string_view pattern) noexcept {
    if (pattern.empty()) return false;
    auto equal_lowered = [](std::string_view h, std::string_view p) {
        if (h.size() != p.size()) return false;
        for (std::size_t i = 0; i < h.size(); ++i)
            if (h[i] != ascii_lower(p[i])) return false;
        return true;
    };
    if (pattern.front() == '.') {
        if (host.size() >= pattern.size() && equal_lowered(host.substr(host.size() - pattern.size()), pattern))
            return true;
        if (equal_lowered(host, pattern.substr(1))) return true;
    }
    return equal_lowered(host, pattern);
}

} // namespace detail

/// Django's `validate_host(domain, ALLOWED_HOSTS)` after `get_host()`: whether the Host
/// header `host` is well formed and its domain (lowercased, without its port and one
/// trailing dot) matches one of `patterns`: `"*"` matches any host, `".example.com"`
/// example.com and every subdomain, anything else exactly (case-insensitively). An IPv6
/// host keeps its brackets: `"[::1]"`.
///
/// @code
/// const std::vector<std::string> allowed{".example.com", "127.0.0.1"};
/// warden::host_allowed("api.Example.com:8443", allowed);   // true
/// warden::host_allowed("example.org", allowed);            // false
/// warden::host_allowed("exa mple.com", allowed);           // false: malformed
/// @endcode
inline bool host_allowed(std::string_view host, std::span<const std::string> patterns) noexcept {
    host = detail::validated_host(host);
    if (host.empty()) return false;
    std::string_view domain = host;
    if (domain.front() == '[') {
        domain = domain.substr(0, domain.find(']') + 1);
    } else {
        domain = domain.substr(0, domain.find(':'));
        if (domain.back() == '.') domain.remove_suffix(1);
    }
    char lowered[256];
    if (domain.size() > sizeof lowered) return false;   // longer than any DNS name
    for (std::size_t i = 0; i < domain.size(); ++i) lowered[i] = detail::ascii_lower(domain[i]);
    const std::string_view d{lowered, domain.size()};
    for (const auto& p : patterns)
        if (p == "*" || detail::is_same_domain(d, p)) return true;
    return false;
}

} // namespace warden

#endif
