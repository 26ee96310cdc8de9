/// @file
/// `settings`: the app's runtime configuration (DRF's and Django's settings that are
/// values rather than types), with Django's defaults and `from_env()`.
#ifndef WARDEN_CORE_SETTINGS_HPP
#define WARDEN_CORE_SETTINGS_HPP

#include <warden/core/cookie.hpp>
#include <warden/core/detail/env.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

/// Runtime configuration. Every field has Django's / DRF's default unless noted.
struct settings {
    /// Server secret for keyed hashes (session auth hash). Set it in production
    /// (WARDEN_SECRET_KEY); when empty, the app draws a random one at start, so
    /// sessions do not survive a restart.
    std::string secret_key;
    /// Former secrets that still verify (Django 4.1's SECRET_KEY_FALLBACKS): sessions'
    /// auth hashes (and, in the Django schema mode, session data) made with one of them
    /// stay valid while a new secret is rolled out. WARDEN_SECRET_KEY_FALLBACKS, comma-separated.
    std::vector<std::string> secret_key_fallbacks;
    /// Redirect GET/HEAD of a path without its trailing slash to the routed one (Django's APPEND_SLASH).
    bool append_slash = true;
    /// How many proxies in front of the server are trusted to append to X-Forwarded-For.
    /// 0 (the default) ignores the header: the client is the peer address.
    std::size_t num_proxies = 0;
    /// The host names this site answers to (Django's ALLOWED_HOSTS; env
    /// `WARDEN_ALLOWED_HOSTS`, comma-separated): a request whose Host header is malformed
    /// or matches none of them gets 400 `{"detail": "Invalid Host header."}` before any
    /// view runs. `".example.com"` allows example.com and its subdomains, `"*"` any host
    /// (no check), anything else one name exactly; ports are ignored, IPv6 hosts keep
    /// their brackets. The default is Django's development list: this machine only. Set
    /// it to the site's names when serving them.
    std::vector<std::string> allowed_hosts{".localhost", "127.0.0.1", "[::1]"};
    /// A header and value that a TLS-terminating proxy sets on the requests it received
    /// over HTTPS (Django's SECURE_PROXY_SSL_HEADER; env `WARDEN_SECURE_PROXY_SSL_HEADER`
    /// as `X-Forwarded-Proto=https`). When both are set, a request carrying exactly that
    /// header and value counts as secure (`request::is_secure()`: the CSRF Referer and
    /// Origin checks, Secure cookies). Set it only when the proxy always sets or strips
    /// the header: otherwise a client could claim HTTPS.
    struct proxy_ssl_header {
        std::string name;   ///< e.g. "X-Forwarded-Proto"; empty: off (the default)
        std::string value;  ///< e.g. "https"
    } secure_proxy_ssl_header;

    /// Where the data lives, for `main` to open (the app does not read it): a PostgreSQL
    /// URL (`postgresql://USER@HOST:PORT/DBNAME`) or a SQLite file path; empty: the
    /// program's default. From WARDEN_DATABASE_URL.
    std::string database_url;
    /// A Redis for throttle counters (`redis://HOST:PORT/N`), for `main` to open; empty:
    /// the database keeps them. From WARDEN_REDIS_URL.
    std::string redis_url;

    /// Throttle rates by scope ("anon", "user", or a view's scope): "N/s", "N/m", "N/h",
    /// "N/d" (and DRF's spellings such as "5/minute"), or "none" to switch a scope off.
    ///
    /// One scope has a default: "login", 60 a minute per client, which the views that
    /// check a password (login, obtain_auth_token, the JWT obtain views) declare as their
    /// `throttle_scope`, as a DRF site would with ScopedRateThrottle. A map assigned
    /// without it makes an app with such a view refuse to start, naming the scope.
    std::map<std::string, std::string, std::less<>> throttle_rates{{"login", "60/minute"}};

    struct token_settings {
        /// Lifetime of a token; zero: tokens never expire (DRF's behaviour).
        std::chrono::seconds ttl{0};
        /// Most live tokens a user may hold; creating one more revokes the oldest. 0: no
        /// limit. DRF keeps one key per user and hands it back on every obtain; warden
        /// stores only digests and mints a new key per obtain, so without a bound every
        /// login would leave one more never-expiring credential behind.
        std::size_t max_per_user = 10;
    } token;

    struct session_settings {
        std::string cookie_name = "sessionid";
        std::int64_t cookie_age = 1209600;   ///< two weeks, Django's SESSION_COOKIE_AGE
        std::string cookie_domain;
        std::string cookie_path = "/";
        bool cookie_secure = false;          ///< also set automatically over TLS
        bool cookie_http_only = true;
        warden::same_site cookie_same_site = warden::same_site::lax;
    } session;

    struct csrf_settings {
        std::string cookie_name = "csrftoken";
        std::int64_t cookie_age = 31449600;  ///< 52 weeks, Django's CSRF_COOKIE_AGE
        std::string cookie_domain;
        std::string cookie_path = "/";
        bool cookie_secure = false;
        bool cookie_http_only = false;
        warden::same_site cookie_same_site = warden::same_site::lax;
        std::string header_name = "X-CSRFToken";
        /// Origins trusted for unsafe requests over HTTPS ("https://example.com",
        /// "https://*.example.com"), Django's CSRF_TRUSTED_ORIGINS.
        std::vector<std::string> trusted_origins;
    } csrf;

    struct password_settings {
        /// PBKDF2 iterations for new hashes (Django 5's default).
        std::uint32_t iterations = 1'000'000;
        /// The hasher of new hashes, by its algorithm name (Django's PASSWORD_HASHERS[0]):
        /// pbkdf2_sha256, pbkdf2_sha1, argon2 or bcrypt_sha256. Stored hashes of another
        /// hasher are re-hashed with this one at login, as Django does.
        std::string hasher = "pbkdf2_sha256";
    } password;

    /// The login and logout pages (warden/session/pages.hpp).
    struct login_settings {
        /// Where a login goes when the request names no safe `next` (Django's
        /// LOGIN_REDIRECT_URL; Django's default is "/accounts/profile/").
        std::string redirect_url = "/";
        /// Where a logout goes when the request names no safe `next` (LOGOUT_REDIRECT_URL).
        std::string logout_redirect_url = "/";
    } login;

    /// Cross-origin resource sharing, as django-cors-headers' CORS_* settings
    /// (warden/app/cors.hpp). Off by default: with no allowed origin, no regex and
    /// `allow_all_origins` false, the app adds no CORS header and answers no preflight.
    struct cors_settings {
        /// Origins (`scheme://host[:port]`, or "null") whose requests may read
        /// responses (CORS_ALLOWED_ORIGINS).
        std::vector<std::string> allowed_origins;
        /// Regular expressions matched at the start of the Origin header, as Python's
        /// `re.match` (CORS_ALLOWED_ORIGIN_REGEXES); end them with `$`.
        std::vector<std::string> allowed_origin_regexes;
        /// Every origin (CORS_ALLOW_ALL_ORIGINS): `Access-Control-Allow-Origin: *`.
        /// Refused together with `allow_credentials`.
        bool allow_all_origins = false;
        /// `Access-Control-Allow-Credentials: true`: the browser sends cookies and
        /// lets the page read the answer (CORS_ALLOW_CREDENTIALS).
        bool allow_credentials = false;
        /// Request headers a preflight allows (CORS_ALLOW_HEADERS).
        std::vector<std::string> allow_headers{"accept", "authorization", "content-type", "user-agent", "x-csrftoken",
                                               "x-requested-with"};
        /// Methods a preflight allows (CORS_ALLOW_METHODS).
        std::vector<std::string> allow_methods{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"};
        /// Response headers a page may read beyond the simple ones (CORS_EXPOSE_HEADERS).
        std::vector<std::string> expose_headers;
        /// Seconds a browser may cache a preflight's answer; 0 sends no Max-Age
        /// (CORS_PREFLIGHT_MAX_AGE).
        std::int64_t preflight_max_age = 86400;
        /// The paths CORS applies to: a regular expression matched at the start of the
        /// path (CORS_URLS_REGEX), e.g. "^/api/.*$".
        std::string urls_regex = "^.*$";
        /// Answer `Access-Control-Request-Private-Network: true` with
        /// `Access-Control-Allow-Private-Network: true` (CORS_ALLOW_PRIVATE_NETWORK).
        bool allow_private_network = false;
    } cors;

    /// The defaults, with the values the environment sets replacing them:
    /// WARDEN_SECRET_KEY, WARDEN_APPEND_SLASH (0/1), WARDEN_NUM_PROXIES,
    /// WARDEN_ALLOWED_HOSTS (comma-separated), WARDEN_SECURE_PROXY_SSL_HEADER (Header=value),
    /// WARDEN_THROTTLE_RATES ("anon=3/minute,user=5/minute"), WARDEN_TOKEN_TTL (seconds),
    /// WARDEN_TOKEN_MAX_PER_USER, WARDEN_SESSION_COOKIE_AGE, WARDEN_SESSION_COOKIE_SECURE,
    /// WARDEN_CSRF_TRUSTED_ORIGINS (comma-separated), WARDEN_PASSWORD_ITERATIONS,
    /// WARDEN_CORS_ALLOWED_ORIGINS (comma-separated), WARDEN_DATABASE_URL,
    /// WARDEN_REDIS_URL (redis://...).
    /// @throws std::invalid_argument naming the variable when a value is malformed.
    static settings from_env() {
        settings s;
        using detail::env::each_item;
        using detail::env::flag;
        using detail::env::number;
        auto env = detail::env::text;
        s.secret_key = std::string(env("WARDEN_SECRET_KEY"));
        each_item(env("WARDEN_SECRET_KEY_FALLBACKS"), [&](std::string_view item) { s.secret_key_fallbacks.emplace_back(item); });
        s.database_url = std::string(env("WARDEN_DATABASE_URL"));
        s.redis_url = std::string(env("WARDEN_REDIS_URL"));
        if (!s.redis_url.empty() && !s.redis_url.starts_with("redis://"))
            throw std::invalid_argument("WARDEN_REDIS_URL: expected redis://HOST:PORT/N");
        s.append_slash = flag("WARDEN_APPEND_SLASH", s.append_slash);
        s.num_proxies = static_cast<std::size_t>(number("WARDEN_NUM_PROXIES", 0, 16, 0));
        if (auto list = env("WARDEN_ALLOWED_HOSTS"); !list.empty()) {
            s.allowed_hosts.clear();
            each_item(list, [&](std::string_view item) { s.allowed_hosts.emplace_back(item); });
        }
        if (auto h = env("WARDEN_SECURE_PROXY_SSL_HEADER"); !h.empty()) {
            auto eq = h.find('=');
            if (eq == std::string_view::npos || eq == 0 || eq + 1 == h.size())
                throw std::invalid_argument("WARDEN_SECURE_PROXY_SSL_HEADER: expected Header=value, e.g. X-Forwarded-Proto=https");
            s.secure_proxy_ssl_header = {std::string(h.substr(0, eq)), std::string(h.substr(eq + 1))};
        }
        each_item(env("WARDEN_THROTTLE_RATES"), [&](std::string_view item) {
            auto eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0)
                throw std::invalid_argument("WARDEN_THROTTLE_RATES: expected scope=rate pairs, e.g. anon=3/minute,user=5/minute");
            s.throttle_rates[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
        });
        s.token.ttl = std::chrono::seconds(number("WARDEN_TOKEN_TTL", 0, INT64_C(1) << 40, 0));
        s.token.max_per_user =
            static_cast<std::size_t>(number("WARDEN_TOKEN_MAX_PER_USER", 0, 1'000'000, static_cast<std::int64_t>(s.token.max_per_user)));
        s.session.cookie_age = number("WARDEN_SESSION_COOKIE_AGE", 1, INT64_C(1) << 40, s.session.cookie_age);
        s.session.cookie_secure = flag("WARDEN_SESSION_COOKIE_SECURE", s.session.cookie_secure);
        each_item(env("WARDEN_CSRF_TRUSTED_ORIGINS"), [&](std::string_view item) { s.csrf.trusted_origins.emplace_back(item); });
        each_item(env("WARDEN_CORS_ALLOWED_ORIGINS"), [&](std::string_view item) { s.cors.allowed_origins.emplace_back(item); });
        s.password.iterations = static_cast<std::uint32_t>(
            number("WARDEN_PASSWORD_ITERATIONS", 1, 100'000'000, s.password.iterations));
        return s;
    }
};

} // namespace warden

#endif
