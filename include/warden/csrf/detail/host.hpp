// The request's host as Django's `request.get_host()` validates it with
// ALLOWED_HOSTS = ['*'] (the reference site's setting): the Host header is returned as
// sent when, lowercased, it matches Django's host_validation_re
//   ^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9\.:]+\])(:\d+)?$
// and its domain (without port and trailing dot) is not empty; otherwise the host is
// "disallowed" and the CSRF Referer check can then only match trusted origins.
#ifndef WARDEN_CSRF_DETAIL_HOST_HPP
#define WARDEN_CSRF_DETAIL_HOST_HPP

#include <warden/csrf/detail/python_url.hpp>

#include <cstddef>
#include <string_view>

namespace warden::csrf::detail {

// `(:\d+)?$` on what follows the host part.
constexpr bool port_suffix_ok(std::string_view rest) noexcept {
    if (rest.empty()) return true;
    if (rest.front() != ':' || rest.size() < 2) return false;
    for (char c : rest.substr(1))
        if (!ascii_digit(c)) return false;
    return true;
}

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

} // namespace warden::csrf::detail

#endif
