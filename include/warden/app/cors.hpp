/// @file
/// Cross-origin resource sharing as django-cors-headers' CorsMiddleware does it, from
/// `settings.cors` (the CORS_* settings). The app applies it to every request before
/// routing, so it covers every view, errors and 404s included; it is off unless an
/// origin is configured.
///
/// Per request whose path matches `cors.urls_regex` (as `re.match`):
/// - `Vary: Origin` is added to the response;
/// - a preflight (OPTIONS with `Access-Control-Request-Method`) is answered by the
///   app itself, 200 with an empty body, before any authentication: a browser sends
///   no credentials on a preflight;
/// - when the `Origin` header names an allowed origin (`allowed_origins`, compared by
///   scheme and host[:port]; "null" only when listed), or one of
///   `allowed_origin_regexes` matches it, or `allow_all_origins`:
///   `Access-Control-Allow-Origin` (the origin, or `*` for all origins),
///   `Access-Control-Allow-Credentials: true` with `allow_credentials`,
///   `Access-Control-Expose-Headers` when some are listed, and on OPTIONS
///   `Access-Control-Allow-Headers`, `Access-Control-Allow-Methods` and
///   `Access-Control-Max-Age` (unless 0);
/// - an origin that is not allowed gets none of these, so the browser keeps the
///   answer from the page (the request itself still reaches the view: CORS protects
///   reads, CSRF protects writes).
///
/// Stricter than django-cors-headers: `allow_all_origins` together with
/// `allow_credentials` (which would let every site read every logged-in user's
/// answers) is refused at start, as are malformed origins and regular expressions.
/// The regular expressions are a linear-time subset of Python's (app/detail/regex.hpp).
#ifndef WARDEN_APP_CORS_HPP
#define WARDEN_APP_CORS_HPP

#include <warden/app/detail/regex.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>
#include <warden/csrf/detail/python_url.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

/// `settings.cors` checked and compiled once, applied to each request by the app.
///
/// @code
/// warden::settings s;
/// s.cors.allowed_origins = {"https://app.example.com"};
/// s.cors.allow_credentials = true;
/// s.cors.urls_regex = "^/api/.*$";
/// auto site = warden::app<...>(db, s);    // the app builds its cors_policy from s.cors
/// @endcode
class cors_policy {
public:
    /// Off: no header, no preflight answer.
    cors_policy() = default;

    /// Checks and compiles `c`. Off when it allows no origin.
    /// @throws std::invalid_argument naming the setting and the entry that is wrong:
    ///         an allowed origin that is not "null" or `scheme://host[:port]`, a
    ///         malformed or unsupported regular expression, `allow_all_origins` with
    ///         `allow_credentials`, a negative `preflight_max_age`.
    explicit cors_policy(const settings::cors_settings& c) {
        if (!c.allow_all_origins && c.allowed_origins.empty() && c.allowed_origin_regexes.empty()) return;
        if (c.allow_all_origins && c.allow_credentials)
            throw std::invalid_argument(
                "settings.cors: allow_all_origins with allow_credentials would let every site read the answers of a "
                "logged-in user; list the origins in allowed_origins instead");
        if (c.preflight_max_age < 0) throw std::invalid_argument("settings.cors.preflight_max_age must not be negative");
        auto s = std::make_shared<state>();
        for (const auto& o : c.allowed_origins) {
            if (o == "null") {
                s->null_allowed = true;
                continue;
            }
            csrf::detail::parsed_url u;
            if (!csrf::detail::python_urlparse(o, u) || u.scheme.empty() || u.netloc.empty())
                throw std::invalid_argument("settings.cors.allowed_origins: \"" + o + "\" is missing scheme or netloc");
            if (!u.path.empty() || !u.params.empty() || !u.query.empty() || !u.fragment.empty())
                throw std::invalid_argument("settings.cors.allowed_origins: \"" + o +
                                            "\" should not have a path (write scheme://host[:port])");
            s->origins.push_back({std::move(u.scheme), std::move(u.netloc)});
        }
        for (const auto& r : c.allowed_origin_regexes) {
            try {
                s->regexes.emplace_back(r);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(std::string("settings.cors.allowed_origin_regexes: ") + e.what());
            }
        }
        try {
            s->urls.emplace(c.urls_regex);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("settings.cors.urls_regex: ") + e.what());
        }
        s->allow_all = c.allow_all_origins;
        s->credentials = c.allow_credentials;
        s->private_network = c.allow_private_network;
        s->allow_headers = join(c.allow_headers);
        s->allow_methods = join(c.allow_methods);
        s->expose_headers = join(c.expose_headers);
        if (c.preflight_max_age > 0) s->max_age = std::to_string(c.preflight_max_age);
        state_ = std::move(s);
    }

    /// True when some origin is allowed.
    bool enabled() const noexcept { return state_ != nullptr; }

    /// True when `origin` (an Origin header value) is allowed.
    bool allows(std::string_view origin) const {
        if (!state_) return false;
        const state& s = *state_;
        if (s.allow_all) return true;
        if (origin == "null") return s.null_allowed;
        csrf::detail::parsed_url u;
        if (!csrf::detail::python_urlparse(origin, u)) return false;
        for (const auto& o : s.origins)
            if (o.scheme == u.scheme && o.netloc == u.netloc) return true;
        for (const auto& r : s.regexes)
            if (r.match(origin)) return true;
        return false;
    }

    /// Applies CORS to `req` before it is routed: queues the response headers on it
    /// and returns true when the request is a preflight, which the app then answers
    /// with an empty 200 itself. Inline, so that an app without CORS pays one test.
    bool apply(request& req) const { return state_ && apply_configured(req); }

private:
    [[gnu::noinline]] bool apply_configured(request& req) const {
        const state& s = *state_;
        if (!s.urls->match(req.path())) return false;
        const bool options = req.method() == http::verb::options;
        const bool preflight = options && req.has_header(http::field::access_control_request_method);
        req.add_response_header(http::field::vary, "Origin");
        const std::string_view origin = req.header(http::field::origin);
        if (origin.empty() || !allows(origin)) return preflight;
        req.add_response_header(http::field::access_control_allow_origin,
                                s.allow_all && !s.credentials ? std::string("*") : std::string(origin));
        if (s.credentials) req.add_response_header(http::field::access_control_allow_credentials, "true");
        if (!s.expose_headers.empty()) req.add_response_header(http::field::access_control_expose_headers, s.expose_headers);
        if (options) {
            req.add_response_header(http::field::access_control_allow_headers, s.allow_headers);
            req.add_response_header(http::field::access_control_allow_methods, s.allow_methods);
            if (!s.max_age.empty()) req.add_response_header(http::field::access_control_max_age, s.max_age);
        }
        if (s.private_network && req.header("Access-Control-Request-Private-Network") == "true")
            req.add_response_header("Access-Control-Allow-Private-Network", "true");
        return preflight;
    }

    struct origin_parts {
        std::string scheme, netloc;
    };
    struct state {
        std::vector<origin_parts> origins;
        std::vector<detail::origin_regex> regexes;
        std::optional<detail::origin_regex> urls;
        bool null_allowed = false, allow_all = false, credentials = false, private_network = false;
        std::string allow_headers, allow_methods, expose_headers, max_age;
    };

    static std::string join(const std::vector<std::string>& items) {
        std::string out;
        for (const auto& i : items) out.append(out.empty() ? "" : ", ").append(i);
        return out;
    }

    std::shared_ptr<const state> state_;
};

} // namespace warden

#endif
