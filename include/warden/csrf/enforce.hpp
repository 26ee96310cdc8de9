/// @file
/// CSRF enforcement for one request: what Django 3.2's `CsrfViewMiddleware.process_view`
/// does, as DRF's `SessionAuthentication.enforce_csrf` calls it for session-authenticated
/// requests. It reads the request (method, Host, Origin, Referer, the `csrftoken`
/// cookie, the `csrfmiddlewaretoken` form field or the `X-CSRFToken` header) and runs the
/// checks of warden/csrf/check.hpp in Django's order.
///
/// `session_auth` enforces it on every session-authenticated request; any other
/// authenticator built on a cookie can do the same:
///
/// @code
/// // once, at start (throws std::invalid_argument naming a malformed trusted origin):
/// const warden::csrf::config cfg = warden::csrf::config_from(ctx.settings(), warden::csrf_origin_check::https_only);
/// // per request, in `authenticate(request& req, Ctx& ctx, Body& body)`:
/// std::optional<warden::api_error> parse_error;
/// auto v = warden::csrf::enforce(req, ctx.settings(), cfg, warden::csrf_origin_check::https_only, body, parse_error);
/// if (!v.ok()) return warden::auth_result::failure(warden::csrf::drf_failure(v));   // 403 "CSRF Failed: ..."
/// if (parse_error) return warden::auth_result::failure(std::move(*parse_error));     // 400 or 415
/// @endcode
#ifndef WARDEN_CSRF_ENFORCE_HPP
#define WARDEN_CSRF_ENFORCE_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/body.hpp>
#include <warden/core/host.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>
#include <warden/csrf/check.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden {

/// When the CSRF check looks at the `Origin` header (Django 4.0's check, which Django
/// 3.2 lacks; see warden/csrf/check.hpp).
enum class csrf_origin_check : unsigned char {
    never,       ///< Django 3.2 exactly: Origin is ignored; over HTTPS the Referer is checked.
    https_only,  ///< Over HTTPS an Origin header must be the site's own or trusted (and then
                 ///< replaces the Referer check); over plain HTTP it is ignored, as Django 3.2.
    always,      ///< The default, Django 4.0: an Origin header must be the site's own
                 ///< (`http://` or `https://` as the request came, see
                 ///< `settings.secure_proxy_ssl_header` behind a TLS proxy) or trusted.
};

namespace csrf {

/// The form field Django reads the CSRF token from.
inline constexpr std::string_view form_field = "csrfmiddlewaretoken";

/// The checks' configuration from the app's settings: `settings.csrf.trusted_origins`
/// parsed, `settings.csrf.cookie_domain`, and the Origin check unless `origin` is `never`.
/// @throws std::invalid_argument naming an entry of `trusted_origins` that is not
///         `scheme://host[:port]`.
inline config config_from(const settings& s, csrf_origin_check origin) {
    config cfg;
    for (const auto& o : s.csrf.trusted_origins)
        if (cfg.trusted.add(o))
            throw std::invalid_argument("settings.csrf.trusted_origins: \"" + o +
                                        "\" is not scheme://host[:port] (e.g. https://*.example.com)");
    if (!s.csrf.cookie_domain.empty()) cfg.cookie_domain = s.csrf.cookie_domain;
    cfg.check_origin_header = origin != csrf_origin_check::never;
    return cfg;
}

/// DRF's 403 for a failed check: `{"detail": "CSRF Failed: <Django's reason>"}`.
inline api_error drf_failure(const verdict& v) {
    return errors::permission_denied(std::string(drf_reason_prefix) + v.reason);
}

namespace detail {

// Django's request.POST.get('csrfmiddlewaretoken', ''): only form and multipart bodies
// have one (a JSON body's field is not read); the last of repeated fields wins (the
// parsers keep the last).
inline std::string form_token(const request& req) {
    std::string_view media = req.media_type();
    if (!warden::detail::iequals(media, form_parser::media_type) && !warden::detail::iequals(media, multipart_parser::media_type))
        return {};
    auto* v = req.data().if_contains(form_field);
    if (!v || !v->is_string()) return {};
    return std::string(v->get_string());
}

} // namespace detail

/// Django 3.2's `CsrfViewMiddleware.process_view` for `req`, in its order: nothing for a
/// safe method (GET, HEAD, OPTIONS, TRACE, compared upper-cased as Django does); then
/// Origin (as `origin` says) or, over HTTPS, Referer; then the `csrftoken` cookie; then
/// the token from the `csrfmiddlewaretoken` form field (POST only) or the header named
/// by `settings.csrf.header_name`.
///
/// @param body the view's lazily parsed body (`lazy_body`): a POST's form field is read
///        from it, which parses it, as Django's `request.POST` makes DRF parse it.
/// @param parse_error receives the body's parse error (415, 400), which DRF raises out
///        of the check; the verdict is then "accepted".
/// @return accepted, or the failure with Django's reason (see `drf_failure`).
template <class Body>
verdict enforce(request& req, const settings& s, const config& cfg, csrf_origin_check origin, Body& body,
                std::optional<api_error>& parse_error) {
    const std::string method = req.method_upper();
    if (is_safe_method(method)) return {};
    request_facts f;
    f.is_secure = req.is_secure();
    f.host = warden::detail::validated_host(req.header(http::field::host));
    const bool origin_applies = origin == csrf_origin_check::always || (origin == csrf_origin_check::https_only && f.is_secure);
    if (origin_applies && req.has_header(http::field::origin)) f.origin = req.header(http::field::origin);
    if (req.has_header(http::field::referer)) f.referer = req.header(http::field::referer);
    if (auto v = check_origin_and_referer(f, cfg); !v.ok()) return v;
    f.cookie_token = req.find_cookie(s.csrf.cookie_name);
    if (!f.cookie_token) return check_token(f);   // "CSRF cookie not set."
    std::string field;
    if (method == "POST") {
        if (const api_error* e = body.parse()) {
            parse_error = *e;
            return {};
        }
        field = detail::form_token(req);
    }
    f.request_token = field.empty() ? req.header(s.csrf.header_name) : std::string_view(field);
    return check_token(f);
}

/// `enforce` as an authenticator runs it, mapped to DRF's answers: empty when the
/// request passes, else the failure (403 `{"detail": "CSRF Failed: ..."}`, or the
/// body's parse error, 415 or 400).
///
/// @param cfg the configuration built at start (`config_from`); null for a policy used
///        outside an app, which builds it from `s` now and refuses the request when
///        `s.csrf.trusted_origins` is malformed.
template <class Body>
std::optional<api_error> refuse(request& req, const settings& s, const config* cfg, csrf_origin_check origin, Body& body) {
    std::optional<config> local;
    if (!cfg) {
        try {
            cfg = &local.emplace(config_from(s, origin));
        } catch (const std::exception&) {
            return errors::permission_denied(std::string(drf_reason_prefix) + "the trusted origins are misconfigured.");
        }
    }
    std::optional<api_error> parse_error;
    if (auto v = enforce(req, s, *cfg, origin, body, parse_error); !v.ok()) return drf_failure(v);
    return parse_error;
}

} // namespace csrf

} // namespace warden

#endif
