/// @file
/// Django's CSRF checks as pure functions (namespace `warden::csrf`): the Origin and
/// Referer checks and the token check, with Django's exact failure strings. No request
/// type is involved: warden/csrf/enforce.hpp reads the request and feeds them.
///
/// The algorithms are Django 3.2's (`django/middleware/csrf.py`), which the DRF
/// reference site runs: an unsafe request needs the CSRF cookie and the same secret in
/// its form field or header (tokens: warden/csrf/token.hpp); over HTTPS a request
/// without an Origin header must carry a Referer that is https and names the host (or
/// the cookie domain, or a trusted origin).
///
/// One addition from Django 4.0, on by default (`config::check_origin_header`): when an
/// Origin header is present it must match the request's own origin or a trusted origin,
/// over HTTP too, and it replaces the Referer check. Django 3.2 ignores Origin; set the
/// flag to false for its exact behaviour. Trusted origins use Django 4.0's form
/// (`https://example.com`, `https://*.example.com`): the Origin check needs the scheme,
/// which 3.2's bare host names (`example.com`, `.example.com`) lack.
///
/// The namespace is `warden::csrf` rather than `warden::session`: CSRF protection is a
/// property of cookie-borne credentials, not of the session store.
///
/// @code
/// using namespace warden;
/// csrf::config cfg;                                    // once, from settings
/// cfg.trusted.add("https://*.example.com");
///
/// if (!csrf::is_safe_method(method)) {                 // per unsafe request
///     csrf::request_facts facts{.is_secure = tls, .host = host, .origin = origin,
///                               .referer = referer, .cookie_token = cookie,
///                               .request_token = header_or_field};
///     if (auto v = csrf::check_request(facts, cfg); !v.ok())
///         return forbidden(std::string(csrf::drf_reason_prefix) + v.reason);  // "CSRF Failed: ..."
/// }
/// @endcode
#ifndef WARDEN_CSRF_CHECK_HPP
#define WARDEN_CSRF_CHECK_HPP

#include <warden/core/host.hpp>
#include <warden/csrf/detail/python_url.hpp>
#include <warden/csrf/token.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::csrf {

/// @name Django's failure reasons, verbatim
/// Django 3.2's `REASON_*` constants of django/middleware/csrf.py, lowercased, plus
/// Django 4.0's REASON_BAD_ORIGIN. The two with `%s` are filled by `check_request`.
/// @{
inline constexpr std::string_view reason_no_referer = "Referer checking failed - no Referer.";
inline constexpr std::string_view reason_bad_referer = "Referer checking failed - %s does not match any trusted origins.";
inline constexpr std::string_view reason_no_csrf_cookie = "CSRF cookie not set.";
inline constexpr std::string_view reason_bad_token = "CSRF token missing or incorrect.";
inline constexpr std::string_view reason_malformed_referer = "Referer checking failed - Referer is malformed.";
inline constexpr std::string_view reason_insecure_referer =
    "Referer checking failed - Referer is insecure while host is secure.";
inline constexpr std::string_view reason_bad_origin = "Origin checking failed - %s does not match any trusted origins.";
/// @}

/// What DRF's SessionAuthentication puts before the reason in its 403 detail.
inline constexpr std::string_view drf_reason_prefix = "CSRF Failed: ";

namespace detail {

using warden::detail::is_same_domain;

inline std::string fill_reason(std::string_view format, std::string_view value) {
    std::string out(format);
    out.replace(out.find("%s"), 2, value);
    return out;
}

} // namespace detail

/// Whether `method` is one Django exempts from CSRF checks (RFC 7231 safe methods:
/// GET, HEAD, OPTIONS, TRACE; case-sensitive, as HTTP methods are).
constexpr bool is_safe_method(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE";
}

/// CSRF_TRUSTED_ORIGINS, parsed once: origins whose unsafe requests are accepted
/// besides the request's own.
///
/// Entries use Django 4.0's form, `scheme://host[:port]`, where the host may start with
/// `*` to admit every subdomain: `https://*.example.com` admits `https://example.com`
/// and `https://api.example.com`. For the Referer check (HTTPS) the scheme is ignored
/// and the host part is matched as Django does (so `https://*.example.com` acts as
/// Django 3.2's `.example.com`).
///
/// @code
/// warden::csrf::trusted_origins t;
/// if (auto ec = t.add("https://*.example.com")) fail_startup(ec);
/// @endcode
class trusted_origins {
public:
    trusted_origins() = default;

    /// Parses `list`; @throws std::invalid_argument on an entry `add` refuses.
    trusted_origins(std::initializer_list<std::string_view> list) {
        for (auto o : list)
            if (add(o)) throw std::invalid_argument("CSRF trusted origin must be scheme://host[:port]: " + std::string(o));
    }

    /// Adds one entry.
    /// @return `std::errc::invalid_argument` if it lacks `://` (Django 4.0's check
    ///         4_0.E001) or does not parse as a URL; the list is unchanged then.
    std::error_code add(std::string_view origin) {
        detail::parsed_url u;
        if (origin.find("://") == std::string_view::npos || !detail::python_urlparse(origin, u))
            return std::make_error_code(std::errc::invalid_argument);
        std::string_view host = u.netloc;
        host.remove_prefix(std::min(host.find_first_not_of('*'), host.size()));
        referer_hosts_.emplace_back(host);
        if (origin.find('*') == std::string_view::npos) exact_.emplace_back(origin);
        else wildcards_.push_back({u.scheme, std::string(host)});
        return {};
    }

    /// True when no entry was added.
    bool empty() const noexcept { return referer_hosts_.empty(); }

    /// Whether `origin` (an Origin header) is trusted: equal to an entry without `*`, or
    /// of an entry's scheme with a host that the entry's `*.` pattern admits.
    bool admits_origin(std::string_view origin) const {
        for (const auto& e : exact_)
            if (e == origin) return true;
        if (wildcards_.empty()) return false;
        detail::parsed_url u;
        if (!detail::python_urlparse(origin, u)) return false;
        for (const auto& w : wildcards_)
            if (w.scheme == u.scheme && detail::is_same_domain(u.netloc, w.host)) return true;
        return false;
    }

    /// Whether a Referer's host[:port] is admitted by an entry's host part.
    bool admits_referer_host(std::string_view netloc) const noexcept {
        for (const auto& h : referer_hosts_)
            if (detail::is_same_domain(netloc, h)) return true;
        return false;
    }

private:
    struct wildcard {
        std::string scheme;
        std::string host; // ".example.com" for "https://*.example.com"
    };
    std::vector<std::string> exact_;
    std::vector<wildcard> wildcards_;
    std::vector<std::string> referer_hosts_;
};

/// Site-wide CSRF settings that the checks read.
struct config {
    /// CSRF_TRUSTED_ORIGINS.
    trusted_origins trusted;
    /// CSRF_COOKIE_DOMAIN (e.g. ".example.com"); when set, Referers are matched against
    /// it (plus the server port if not 80/443) instead of the request's host.
    std::optional<std::string> cookie_domain;
    /// Django 4.0's Origin check; false reproduces Django 3.2, which ignores Origin.
    bool check_origin_header = true;
};

/// What the checks need to know about a request; views into the request's data.
struct request_facts {
    /// The request came over TLS (Django's `request.is_secure()`).
    bool is_secure = false;
    /// The validated Host, with its port if any (Django's `request.get_host()`); empty
    /// when the host is not allowed, which leaves only trusted origins to match.
    std::string_view host;
    /// The port the server listens on (Django's `request.get_port()`), used only with
    /// `config::cookie_domain`; empty: the port in `host`, else 443 or 80.
    std::string_view server_port;
    /// The Origin header, if present.
    std::optional<std::string_view> origin;
    /// The Referer header, if present.
    std::optional<std::string_view> referer;
    /// The `csrftoken` cookie, if present.
    std::optional<std::string_view> cookie_token;
    /// The `csrfmiddlewaretoken` form field, or failing that the `X-CSRFToken` header;
    /// empty if neither was sent.
    std::string_view request_token;
};

/// Why a request failed the checks.
enum class failure {
    none,              ///< Accepted.
    bad_origin,        ///< reason_bad_origin
    no_referer,        ///< reason_no_referer
    malformed_referer, ///< reason_malformed_referer
    insecure_referer,  ///< reason_insecure_referer
    bad_referer,       ///< reason_bad_referer
    no_csrf_cookie,    ///< reason_no_csrf_cookie
    bad_token,         ///< reason_bad_token
};

/// The outcome of a check: accepted, or the failure and Django's exact reason.
///
/// The reason of `bad_origin` and `bad_referer` repeats the client's header, as
/// Django's does: send it to the client, but log `code` rather than `reason` (a Referer
/// may carry tokens in its query string).
struct verdict {
    failure code = failure::none;
    std::string reason; ///< Empty when accepted.

    bool ok() const noexcept { return code == failure::none; }
};

namespace detail {

inline verdict reject(failure code, std::string_view reason) { return {code, std::string(reason)}; }

inline std::string_view port_of(const request_facts& r) noexcept {
    if (!r.server_port.empty()) return r.server_port;
    auto colon = r.host.rfind(':');
    auto bracket = r.host.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
        return r.host.substr(colon + 1);
    return r.is_secure ? "443" : "80";
}

// Django 4.0's _check_referer (the same decisions as 3.2's inline code).
inline verdict check_referer(const request_facts& r, const config& cfg) {
    if (!r.referer) return reject(failure::no_referer, reason_no_referer);
    parsed_url u;
    if (!python_urlparse(*r.referer, u) || u.scheme.empty() || u.netloc.empty())
        return reject(failure::malformed_referer, reason_malformed_referer);
    if (u.scheme != "https") return reject(failure::insecure_referer, reason_insecure_referer);
    if (cfg.trusted.admits_referer_host(u.netloc)) return {};
    std::string good;
    if (cfg.cookie_domain) {
        good = *cfg.cookie_domain;
        const auto port = port_of(r);
        if (port != "443" && port != "80") good.append(":").append(port);
    } else {
        good = r.host;
    }
    if (is_same_domain(u.netloc, good)) return {};
    return {failure::bad_referer, fill_reason(reason_bad_referer, python_geturl(u))};
}

// Django 4.0's _origin_verified.
inline bool origin_verified(const request_facts& r, const config& cfg) {
    const std::string_view origin = *r.origin;
    if (!r.host.empty()) {
        const std::string_view scheme = r.is_secure ? "https://" : "http://";
        if (origin.size() == scheme.size() + r.host.size() && origin.substr(0, scheme.size()) == scheme &&
            origin.substr(scheme.size()) == r.host)
            return true;
    }
    return cfg.trusted.admits_origin(origin);
}

} // namespace detail

/// The Origin and Referer checks Django applies to an unsafe request, in its order:
/// with `cfg.check_origin_header` and an Origin header, the Origin must be the
/// request's own (`http(s)://` + host) or trusted; otherwise, over HTTPS only, the
/// Referer must be present, parse, be https, and name a trusted origin's host, the
/// cookie domain (if configured) or the host.
///
/// @return accepted, or one of `bad_origin`, `no_referer`, `malformed_referer`,
///         `insecure_referer`, `bad_referer` with Django's reason text.
/// @code
/// auto v = warden::csrf::check_origin_and_referer(
///     {.is_secure = true, .host = "example.com", .referer = "https://evil.com/"}, cfg);
/// // v.reason == "Referer checking failed - https://evil.com/ does not match any trusted origins."
/// @endcode
inline verdict check_origin_and_referer(const request_facts& r, const config& cfg) {
    if (cfg.check_origin_header && r.origin) {
        if (detail::origin_verified(r, cfg)) return {};
        return {failure::bad_origin, detail::fill_reason(reason_bad_origin, *r.origin)};
    }
    if (r.is_secure) return detail::check_referer(r, cfg);
    return {};
}

/// The token checks Django applies to an unsafe request: a cookie must exist, and the
/// request's token must stand for the cookie's secret (`tokens_match`).
///
/// @return accepted, `no_csrf_cookie`, or `bad_token` (also for a malformed cookie, as
///         Django replaces it with a fresh token that nothing can match yet).
inline verdict check_token(const request_facts& r) {
    if (!r.cookie_token) return detail::reject(failure::no_csrf_cookie, reason_no_csrf_cookie);
    if (!tokens_match(r.request_token, *r.cookie_token)) return detail::reject(failure::bad_token, reason_bad_token);
    return {};
}

/// Every check Django's CsrfViewMiddleware makes on an unsafe request, in its order:
/// `check_origin_and_referer`, then `check_token`. Call it only for methods that are
/// not `is_safe_method`, and (as DRF does) only for session-authenticated requests.
///
/// @code
/// if (auto v = warden::csrf::check_request(facts, cfg); !v.ok())
///     return permission_denied(std::string(warden::csrf::drf_reason_prefix) + v.reason);
/// @endcode
inline verdict check_request(const request_facts& r, const config& cfg) {
    if (auto v = check_origin_and_referer(r, cfg); !v.ok()) return v;
    return check_token(r);
}

} // namespace warden::csrf

#endif
