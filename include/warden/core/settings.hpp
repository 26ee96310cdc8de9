/// @file
/// `settings`: the app's runtime configuration (DRF's and Django's settings that are
/// values rather than types), with Django's defaults and `from_env()`.
#ifndef WARDEN_CORE_SETTINGS_HPP
#define WARDEN_CORE_SETTINGS_HPP

#include <warden/core/cookie.hpp>

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
    /// Redirect GET/HEAD of a path without its trailing slash to the routed one (Django's APPEND_SLASH).
    bool append_slash = true;
    /// How many proxies in front of the server are trusted to append to X-Forwarded-For.
    /// 0 (the default) ignores the header: the client is the peer address.
    std::size_t num_proxies = 0;

    /// Where the data lives, for `main` to open (the app does not read it): a PostgreSQL
    /// URL (`postgresql://USER@HOST:PORT/DBNAME`) or a SQLite file path; empty: the
    /// program's default. From WARDEN_DATABASE_URL.
    std::string database_url;
    /// A Redis for throttle counters (`redis://HOST:PORT/N`), for `main` to open; empty:
    /// the database keeps them. From WARDEN_REDIS_URL.
    std::string redis_url;

    /// Throttle rates by scope ("anon", "user", or a view's scope): "N/s", "N/m", "N/h",
    /// "N/d" (and DRF's spellings such as "5/minute").
    std::map<std::string, std::string, std::less<>> throttle_rates;

    struct token_settings {
        /// Lifetime of a token; zero: tokens never expire (DRF's behaviour).
        std::chrono::seconds ttl{0};
        /// Most live tokens a user may hold; creating one more revokes the oldest. 0: no limit.
        std::size_t max_per_user = 0;
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
    } password;

    /// The defaults, with the values the environment sets replacing them:
    /// WARDEN_SECRET_KEY, WARDEN_APPEND_SLASH (0/1), WARDEN_NUM_PROXIES,
    /// WARDEN_THROTTLE_RATES ("anon=3/minute,user=5/minute"), WARDEN_TOKEN_TTL (seconds),
    /// WARDEN_TOKEN_MAX_PER_USER, WARDEN_SESSION_COOKIE_AGE, WARDEN_SESSION_COOKIE_SECURE,
    /// WARDEN_CSRF_TRUSTED_ORIGINS (comma-separated), WARDEN_PASSWORD_ITERATIONS,
    /// WARDEN_DATABASE_URL, WARDEN_REDIS_URL (redis://...).
    /// @throws std::invalid_argument naming the variable when a value is malformed.
    static settings from_env() {
        settings s;
        auto env = [](const char* name) -> std::string_view {
            const char* v = std::getenv(name);
            return v ? std::string_view(v) : std::string_view{};
        };
        auto number = [&](const char* name, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
            auto v = env(name);
            if (v.empty()) return fallback;
            std::int64_t out = 0;
            for (char c : v) {
                if (c < '0' || c > '9' || out > (hi - (c - '0')) / 10)
                    throw std::invalid_argument(std::string(name) + ": expected a whole number from " +
                                                std::to_string(lo) + " to " + std::to_string(hi));
                out = out * 10 + (c - '0');
            }
            if (out < lo) throw std::invalid_argument(std::string(name) + ": must be at least " + std::to_string(lo));
            return out;
        };
        auto flag = [&](const char* name, bool fallback) {
            auto v = env(name);
            if (v.empty()) return fallback;
            if (v == "1" || v == "true" || v == "yes") return true;
            if (v == "0" || v == "false" || v == "no") return false;
            throw std::invalid_argument(std::string(name) + ": expected 0 or 1");
        };
        s.secret_key = std::string(env("WARDEN_SECRET_KEY"));
        s.database_url = std::string(env("WARDEN_DATABASE_URL"));
        s.redis_url = std::string(env("WARDEN_REDIS_URL"));
        if (!s.redis_url.empty() && !s.redis_url.starts_with("redis://"))
            throw std::invalid_argument("WARDEN_REDIS_URL: expected redis://HOST:PORT/N");
        s.append_slash = flag("WARDEN_APPEND_SLASH", s.append_slash);
        s.num_proxies = static_cast<std::size_t>(number("WARDEN_NUM_PROXIES", 0, 16, 0));
        for (auto list = env("WARDEN_THROTTLE_RATES"); !list.empty();) {
            auto comma = list.find(',');
            auto item = list.substr(0, comma);
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            auto eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0)
                throw std::invalid_argument("WARDEN_THROTTLE_RATES: expected scope=rate pairs, e.g. anon=3/minute,user=5/minute");
            s.throttle_rates[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
        }
        s.token.ttl = std::chrono::seconds(number("WARDEN_TOKEN_TTL", 0, INT64_C(1) << 40, 0));
        s.token.max_per_user = static_cast<std::size_t>(number("WARDEN_TOKEN_MAX_PER_USER", 0, 1'000'000, 0));
        s.session.cookie_age = number("WARDEN_SESSION_COOKIE_AGE", 1, INT64_C(1) << 40, s.session.cookie_age);
        s.session.cookie_secure = flag("WARDEN_SESSION_COOKIE_SECURE", s.session.cookie_secure);
        for (auto list = env("WARDEN_CSRF_TRUSTED_ORIGINS"); !list.empty();) {
            auto comma = list.find(',');
            auto item = list.substr(0, comma);
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            if (!item.empty()) s.csrf.trusted_origins.emplace_back(item);
        }
        s.password.iterations = static_cast<std::uint32_t>(
            number("WARDEN_PASSWORD_ITERATIONS", 1, 100'000'000, s.password.iterations));
        return s;
    }
};

} // namespace warden

#endif
