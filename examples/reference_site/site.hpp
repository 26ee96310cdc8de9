// The reference site's views, its options and the function that serves them over any
// stores (serve_site). Each kind of database is served from a translation unit of its
// own (serve_*.cpp), so the app, instantiated once per combination of stores, compiles
// in parallel and in less memory than one file holding all of them.
#pragma once

#include <warden.hpp>
#include <warden/django.hpp>
#include <warden/redis.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

using namespace warden;

namespace site {

/// The site's session authentication and CSRF checks look at the Origin header over
/// plain HTTP too (Django 4.0's check): cookies are shared by every port of a host, so
/// a page on another port of 127.0.0.1 could read the csrftoken cookie, and only the
/// Origin header tells its requests apart (docs/browser.md).
constexpr auto origin_check = csrf_origin_check::always;
using session_auth = basic_session_auth<origin_check>;
/// The access token from its HttpOnly cookie, CSRF checked, revocations honoured.
using cookie_auth = jwt::basic_jwt_auth<jwt::auth_options{.check_revoked = true, .from_cookie = true, .csrf_origin = origin_check}>;

/// The tutorial's DashboardAPI: the app's default authentication (session), login required.
struct dashboard_api : api_view<permissions<is_authenticated>> {
    static constexpr std::string_view name = "Dashboard API";
    response get(request& req) { return json({{"message", "Hello " + req.user().username + ", welcome to your dashboard"}}); }
};

/// The tutorial's ProfileAPI: token authentication, login required.
struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

/// JWTProfileAPI: ProfileAPI with simplejwt's JWTAuthentication.
struct jwt_profile_api : api_view<authentication<jwt::jwt_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "JWT Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

/// AnyAuthProfileAPI: Token first, then JWT, then session (the first names the challenge).
struct any_profile_api
    : api_view<authentication<token_auth, jwt::jwt_auth, site::session_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Any Auth Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

/// The reference's SIMPLE_JWT: 5-minute access and 1-day refresh tokens, rotated, the
/// old refresh token blacklisted.
inline jwt::settings simple_jwt() {
    jwt::settings cfg;
    cfg.access_token_lifetime = std::chrono::minutes(5);
    cfg.refresh_token_lifetime = std::chrono::hours(24);
    cfg.rotate_refresh_tokens = true;
    cfg.blacklist_after_rotation = true;
    return cfg;
}

/// simplejwt's views with the reference's DEFAULT_PARSER_CLASSES (JSON and form).
using jwt_parsers = parsers<json_parser, form_parser>;

struct basic_profile_api : api_view<authentication<basic_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Basic Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

struct admin_api : api_view<authentication<token_auth>, permissions<is_admin_user>> {
    static constexpr std::string_view name = "Admin API";
    response get(request& req) { return json({{"admin", req.user().username}}); }
};

/// Anyone may read; only an authenticated user may write.
struct notes_api : api_view<authentication<token_auth, site::session_auth>, permissions<is_authenticated_or_read_only>> {
    static constexpr std::string_view name = "Notes API";
    response get(request&) { return json({{"notes", json_array({})}}); }
    response post(request& req) {
        static const boost::json::value empty = "";
        auto it = req.data().find("text");
        return json({{"created", it == req.data().end() ? empty : it->value()}}, http::status::created);
    }
};

/// DRF's anonymous and per-user rates (settings "anon" and "user": 3 and 5 a minute).
struct throttled_api : api_view<authentication<token_auth>, permissions<allow_any>, throttles<anon_rate<>, user_rate<>>> {
    static constexpr std::string_view name = "Throttled API";
    response get(request&) { return json({{"ok", true}}); }
};

/// The JWT page's profile: the access token from its cookie.
struct cookie_profile_api : api_view<authentication<cookie_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Cookie Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

/// The JWT page's notes: a write needs the access cookie and the CSRF token.
struct cookie_notes_api : api_view<authentication<cookie_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Cookie Notes API";
    response post(request& req) {
        static const boost::json::value empty = "";
        auto it = req.data().find("text");
        return json({{"created", it == req.data().end() ? empty : it->value()}, {"by", req.user().username}},
                    http::status::created);
    }
};

/// Staff switch a user's account on or off; a switched-off user's credentials stop working.
struct user_active_api : api_view<authentication<token_auth>, permissions<is_admin_user>> {
    static constexpr std::string_view name = "User Active API";
    using requires_services = services<users_tag>;

    template <class Ctx>
    response put(request& req, Ctx& ctx) {
        auto& users = ctx.template get<users_tag>();
        std::error_code ec;
        auto found = users.find_user_by_username(req.param("username"), ec);
        if (ec) raise_store_failure(ec);   // 503 while the database is away
        if (!found) return response{http::status::not_found, errors::not_found().render()};
        field_errors errs;
        auto active = boolean_field(req.data(), "active", errs);
        if (errs) return errs.response();
        user u = *found;
        u.is_active = *active;
        if ((ec = users.update_user(u))) raise_store_failure(ec);
        if (!u.is_active) users.delete_user_sessions(u.id, {}, ec);   // switched off: sessions end at once
        if (ec) raise_store_failure(ec);
        return json({{"username", u.username}, {"active", u.is_active}});
    }
};

struct options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8000;
    std::string db;      // --db, else WARDEN_DATABASE_URL, else reference_site.db
    std::string redis;   // --redis, else WARDEN_REDIS_URL, else none (the database counts)
    std::string django_db;           // --django-db: a Django site's database instead of --db
    std::string django_secret_key;   // --django-secret-key, else DJANGO_SECRET_KEY
    std::string jwt_key = "reference-jwt-signing-key-0123456789abcdef";
    unsigned threads = 0;
    bool inline_reads = true;   // --no-inline-reads: every store route on the blocking pool
    std::chrono::milliseconds token_cache{0};   // --token-cache MS: cache token lookups (off: 0)
    // --store-timeout MS and --pool-size N: the PostgreSQL and Redis stores' deadline per
    // call and connections per store (unset: the stores' defaults, 5 s and 8).
    std::optional<std::chrono::milliseconds> store_timeout;
    std::optional<std::size_t> pool_size;
    std::string tls_cert, tls_key;
    std::string jwt_private_key;                 // a PEM file: signs with RS256, ES256 or EdDSA
    std::vector<std::string> jwt_verify_keys;    // PEM files: published and verifying too (rotation)
    std::int64_t jwt_access_lifetime = 300;      // seconds
    std::vector<std::string> cors_origins;
    std::string static_dir = WARDEN_REFERENCE_SITE_STATIC;
};

/// A PostgreSQL or Redis store's options with --store-timeout and --pool-size applied.
template <class StoreOptions>
StoreOptions network_options(const options& opt, StoreOptions o) {
    if (opt.store_timeout) o.timeout = *opt.store_timeout;
    if (opt.pool_size) o.pool_size = *opt.pool_size;
    return o;
}

/// The site's JWT keys (main.cpp): HS256 with --jwt-key, or the private key of
/// --jwt-private-key with the keys of --jwt-verify-key published beside it.
jwt::key_service jwt_keys(const options& o);

// alice, bob (staff), carol, dave (inactive): ids 1-4, as the DRF reference seeds them.
// One atomic batch: of several instances starting at once over an empty database,
// exactly one seeds, and the others find the users there.
template <class Db>
void seed(Db& db, const settings& s) {
    if (!db.list_users().empty()) return;
    crypto::password_policy policy;
    policy.iterations = s.password.iterations;
    std::vector<user> demo;
    for (auto [name, staff, active] : {std::tuple{"alice", false, true}, std::tuple{"bob", true, true},
                                       std::tuple{"carol", false, true}, std::tuple{"dave", false, false}}) {
        user u;
        u.username = name;
        u.email = std::string(name) + "@example.com";
        u.is_staff = staff;
        u.is_active = active;
        u.date_joined = warden::clock{}.now_seconds();
        if (auto ec = crypto::make_password(std::string(name) + "-pass", u.password, policy)) throw std::system_error(ec);
        demo.push_back(std::move(u));
    }
    if (auto ec = db.create_users(demo); ec && ec != store_errc::duplicate) throw std::system_error(ec, "seeding the users");
}

// Serves the site over `stores` (the first store providing a service serves it: a
// Redis store listed first keeps the throttle counters, the database the rest).
template <class... Stores>
int serve_site(const options& opt, const settings& s, const std::string& where, std::string_view users, Stores&... stores) {
    static_files assets{opt.static_dir};
    auto web = app<defaults<parsers<json_parser, form_parser>, authentication<session_auth>>,
                   route<"/api/dashboard/", dashboard_api>,
                   route<"/api/profile/", profile_api>,
                   route<"/api/jwt/profile/", jwt_profile_api>,
                   route<"/api/any/profile/", any_profile_api>,
                   route<"/api/basic/profile/", basic_profile_api>,
                   route<"/api/admin/", admin_api>,
                   route<"/api/admin/users/<str:username>/active/", user_active_api>,
                   route<"/api/notes/", notes_api>,
                   route<"/api/throttled/", throttled_api>,
                   route<"/api/login/", basic_login_view<parsers<json_parser, form_parser>>>,
                   route<"/api/logout/", logout_view>,
                   route<"/api/token-auth/", obtain_auth_token>,
                   route<"/api/token-auth/logout/", logout_token>,
                   route<"/api/token-auth/logout-all/", logout_all>,
                   route<"/api/token/", jwt::basic_token_obtain_pair<jwt_parsers>>,
                   route<"/api/token/refresh/", jwt::basic_token_refresh<jwt_parsers>>,
                   route<"/api/token/verify/", jwt::basic_token_verify<jwt_parsers>>,
                   route<"/api/token/blacklist/", jwt::basic_token_blacklist<jwt_parsers>>,
                   // What a browser needs (docs/browser.md).
                   route<"/", static_file<"index.html">>,
                   route<"/jwt/", static_file<"jwt.html">>,
                   route<"/static/<path:name>", static_directory>,
                   route<"/api-auth/login/", basic_login_page<origin_check>>,
                   route<"/api-auth/logout/", basic_logout_page<origin_check>>,
                   route<"/.well-known/jwks.json", jwt::jwks_view>,
                   route<"/api/token/cookie/", jwt::cookie_token_obtain>,
                   route<"/api/token/cookie/refresh/", jwt::basic_cookie_token_refresh<origin_check>>,
                   route<"/api/token/cookie/logout/", jwt::basic_cookie_logout<origin_check>>,
                   route<"/api/cookie/profile/", cookie_profile_api>,
                   route<"/api/cookie/notes/", cookie_notes_api>>(
        stores..., s, jwt_keys(opt), assets);

    server_options so;
    so.address = opt.address;
    so.port = opt.port;
    so.threads = opt.threads;
    so.inline_reads = opt.inline_reads;
    if (!opt.tls_cert.empty()) so.tls = tls_options{opt.tls_cert, opt.tls_key};
    std::string base = (so.tls ? "https://" : "http://") + opt.address + ":" + std::to_string(opt.port);
    std::cout << "warden reference site on " << base << " (" << where << ")\n"
              << "users: " << users << "\n"
              << "try:\n"
              << "  curl -s " << base << "/api/notes/\n"
              << "  curl -s -X POST " << base << "/api/token-auth/ -H 'Content-Type: application/json' "
              << "-d '{\"username\":\"alice\",\"password\":\"alice-pass\"}'\n"
              << "  curl -s " << base << "/api/profile/ -H 'Authorization: Token KEY'\n"
              << "  curl -s " << base << "/api/basic/profile/ -u alice:alice-pass\n"
              << "  curl -s " << base << "/api/admin/ -H 'Authorization: Token KEY_OF_BOB'\n"
              << "  curl -s -X POST " << base << "/api/token-auth/logout/ -H 'Authorization: Token KEY'\n"
              << "in a browser: " << base << "/ (session), " << base << "/jwt/ (JWT in cookies), " << base
              << "/api-auth/login/\n"
              << "stop with Ctrl-C\n"
              << std::flush;
    // The access log goes to stderr from a writer thread: no write(2) on the I/O threads.
    return serve(web, so, buffered_log{stderr});
}

// Opens the database the options name and, with --redis, the counter store.
template <class Db>
int run(const options& opt, const settings& s, Db& db, const std::string& where) {
    seed(db, s);
    db.cache_tokens(opt.token_cache);
    constexpr std::string_view users = "alice/alice-pass, bob/bob-pass (staff), carol/carol-pass, dave/dave-pass (inactive)";
    if (opt.redis.empty()) return serve_site(opt, s, where, users, db);
    redis_store counters{opt.redis, network_options(opt, redis_options{})};
    return serve_site(opt, s, where + ", throttle counts in " + counters.where(), users, counters, db);
}

// Serves over a Django site's database: its users, seeding nothing. Django keeps
// throttle counts in its cache, not its database: they are in Redis with --redis, else
// in this process.
template <class Db>
int run_django(const options& opt, const settings& s, Db& db, const std::string& where) {
    constexpr std::string_view users = "the Django site's";
    if (opt.redis.empty()) {
        memory_counter_store counters;
        return serve_site(opt, s, where + ", throttle counts in memory", users, counters, db);
    }
    redis_store counters{opt.redis, network_options(opt, redis_options{})};
    return serve_site(opt, s, where + ", throttle counts in " + counters.where(), users, counters, db);
}

// The entry points, one per kind of database (serve_*.cpp). Each opens its store (throwing
// std::exception with a message when it cannot) and serves until stopped.
int serve_sqlite(const options& opt, const settings& s);
int serve_postgres(const options& opt, const settings& s);
int serve_django_sqlite(const options& opt, const settings& s, const django::site_options& site);
int serve_django_postgres(const options& opt, const settings& s, const django::site_options& site);

} // namespace site
