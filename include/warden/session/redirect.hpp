/// @file
/// Where a login or logout page may send the browser next: Django's
/// `url_has_allowed_host_and_scheme` (no open redirect) and `iri_to_uri` (the
/// `Location` value, percent-encoded so that it cannot carry a control character, a
/// space or a backslash).
#ifndef WARDEN_SESSION_REDIRECT_HPP
#define WARDEN_SESSION_REDIRECT_HPP

#include <warden/core/request.hpp>
#include <warden/core/host.hpp>
#include <warden/csrf/detail/python_url.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace warden {

namespace detail {

// Python's str.strip() for the ASCII whitespace it removes (a first byte beyond ASCII
// is refused anyway, see below).
inline std::string_view python_strip(std::string_view s) noexcept {
    auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// Django's _url_has_allowed_host_and_scheme, for one spelling of the URL.
inline bool url_allowed_once(std::string_view url, std::initializer_list<std::string_view> allowed_hosts,
                             bool require_https) {
    // Chrome takes any URL with three leading slashes as absolute.
    if (url.starts_with("///")) return false;
    csrf::detail::parsed_url u;
    if (!csrf::detail::python_urlparse(url, u)) return false;   // Python raises ValueError
    // A scheme without a host ("https:evil", "http:///evil.com"): Chrome still finds a host.
    if (u.netloc.empty() && !u.scheme.empty()) return false;
    // Django refuses a first character of Unicode category C (controls, format
    // characters, ...); warden refuses every first byte that is not printable ASCII,
    // which covers those and needs no Unicode table.
    const auto first = static_cast<unsigned char>(url.front());
    if (first < 0x20 || first >= 0x7f) return false;
    std::string_view scheme = u.scheme;
    if (scheme.empty() && !u.netloc.empty()) scheme = "http";   // "//example.com/p"
    bool host_ok = u.netloc.empty();
    for (auto h : allowed_hosts)
        if (!h.empty() && u.netloc == h) host_ok = true;
    const bool scheme_ok = scheme.empty() || scheme == "https" || (!require_https && scheme == "http");
    return host_ok && scheme_ok;
}

} // namespace detail

/// Django's `url_has_allowed_host_and_scheme(url, allowed_hosts, require_https)`: true
/// when redirecting to `url` keeps the browser on one of `allowed_hosts` (compared with
/// the URL's `host[:port]` exactly) or on this site (a relative URL), with an http or
/// https scheme (https only when `require_https`).
///
/// Refused, as Django refuses them: an empty URL; `//evil.com` and `///evil.com`;
/// `/\evil.com` and `\\evil.com` (Chrome reads a backslash as a slash, so the URL is
/// checked again with backslashes replaced); `https:evil.com` and `http:///evil.com`
/// (a scheme without a host); `javascript:...` and every other scheme; a URL that
/// starts with a control character. Stricter than Django: a URL holding a control
/// character anywhere (a tab or newline can hide `//` from one parser and not from
/// another; browsers drop them) and a URL whose first byte is not printable ASCII are
/// refused.
///
/// The URL is checked as given; a caller that took it from a query string or a form
/// has decoded it once, as Django has (so `%2F%2Fevil.com` arrives as `//evil.com`).
///
/// @code
/// std::string host(req.header(warden::http::field::host));
/// if (!warden::url_has_allowed_host_and_scheme(next, {host}, req.is_secure())) next = "/";
/// @endcode
inline bool url_has_allowed_host_and_scheme(std::string_view url, std::initializer_list<std::string_view> allowed_hosts,
                                            bool require_https = false) {
    url = detail::python_strip(url);
    if (url.empty()) return false;
    // Browsers drop tabs and newlines from URLs, and Python's parser does too, so
    // "//\t/evil.com" would be checked as one URL and followed as another; no control
    // character is ever needed in a redirect target.
    for (char c : url)
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') return false;
    if (!detail::url_allowed_once(url, allowed_hosts, require_https)) return false;
    if (url.find('\\') == std::string_view::npos) return true;
    std::string slashed(url);
    for (auto& c : slashed)
        if (c == '\\') c = '/';
    return detail::url_allowed_once(slashed, allowed_hosts, require_https);
}

/// Django's `iri_to_uri`: `iri` with every byte that is not a letter, a digit or one of
/// ``_.-~/#%[]=:;$&()+,!?*@'`` percent-encoded (UTF-8 bytes, spaces, quotes, `<>`,
/// backslashes and control characters), so it can be sent as a `Location` header.
///
/// @code
/// r.set_header(warden::http::field::location, warden::iri_to_uri("/notes/?q=a b"));   // "/notes/?q=a%20b"
/// @endcode
inline std::string iri_to_uri(std::string_view iri) {
    static constexpr std::string_view safe = "_.-~/#%[]=:;$&()+,!?*@'";
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(iri.size());
    for (char c : iri) {
        const auto b = static_cast<unsigned char>(c);
        if (detail::ascii_alpha(c) || detail::ascii_digit(c) || safe.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0xf]);
        }
    }
    return out;
}

/// The `next` a login or logout page may redirect to: the POST field `next` when the
/// form has one, else the query parameter, kept only when
/// `url_has_allowed_host_and_scheme` allows it for this request's own host (the `Host`
/// header, when Django's host check accepts it) and, over TLS, https only; empty
/// otherwise (Django's `LoginView.get_redirect_url`).
///
/// @param posted the form's `next` field, when the request posted one.
inline std::string safe_next_url(const request& req, const std::string* posted) {
    std::string next = posted ? *posted : req.query("next").value_or(std::string{});
    const std::string_view host = detail::validated_host(req.header(http::field::host));
    if (!url_has_allowed_host_and_scheme(next, {host}, req.is_secure())) return {};
    return next;
}

} // namespace warden

#endif
