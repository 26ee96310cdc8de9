// The reference site: warden serving the same routes, policies and users as the Django
// REST Framework reference (../shared/reference/drf/refsite.py), so the two can be
// compared request by request.
//
//   reference_site [--address A] [--port P] [--db PATH|postgresql://...] [--redis redis://...]
//                  [--jwt-key KEY] [--threads N] [--tls-cert PEM --tls-key PEM]
//                  [--jwt-private-key PEM] [--jwt-verify-key PEM]... [--jwt-access-lifetime SECONDS]
//                  [--cors-origin ORIGIN]... [--static-dir DIR]
//
// With --db postgresql://USER@HOST:PORT/DBNAME and --redis redis://HOST:PORT/N, several
// instances share every credential and throttle count (docs/deployment.md).
//
// Beyond the DRF reference it serves what a browser needs (docs/browser.md): the login
// and logout pages at /api-auth/, a single-page demo at / and its JWT-in-cookie twin at
// /jwt/ (static files from --static-dir), the JWT cookie views under /api/token/cookie/
// and the public keys at /.well-known/jwks.json.
#include <warden.hpp>
#include <warden/postgres.hpp>
#include <warden/redis.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
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
    std::string jwt_key = "reference-jwt-signing-key-0123456789abcdef";
    unsigned threads = 0;
    std::string tls_cert, tls_key;
    std::string jwt_private_key;                 // a PEM file: signs with RS256, ES256 or EdDSA
    std::vector<std::string> jwt_verify_keys;    // PEM files: published and verifying too (rotation)
    std::int64_t jwt_access_lifetime = 300;      // seconds
    std::vector<std::string> cors_origins;
    std::string static_dir = WARDEN_REFERENCE_SITE_STATIC;
};

constexpr const char* usage =
    "usage: reference_site [--address A] [--port P] [--db PATH|postgresql://USER@HOST:PORT/DBNAME]\n"
    "                      [--redis redis://HOST:PORT/N] [--jwt-key KEY] [--threads N]\n"
    "                      [--tls-cert PEM --tls-key PEM]\n"
    "                      [--jwt-private-key PEM] [--jwt-verify-key PEM]... [--jwt-access-lifetime SECONDS]\n"
    "                      [--cors-origin ORIGIN]... [--static-dir DIR]\n";

template <class Int>
Int parse_number(std::string_view flag, std::string_view v, Int lo, Int hi) {
    Int out{};
    auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size() || out < lo || out > hi)
        throw std::invalid_argument(std::string(flag) + ": expected a number from " + std::to_string(lo) + " to " +
                                    std::to_string(hi));
    return out;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") { std::cout << usage; std::exit(0); }
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
            return argv[++i];
        };
        if (a == "--address") o.address = value();
        else if (a == "--port") o.port = parse_number<std::uint16_t>(a, value(), 1, 65535);
        else if (a == "--db") o.db = value();
        else if (a == "--redis") o.redis = value();
        else if (a == "--jwt-key") o.jwt_key = value();
        else if (a == "--threads") o.threads = parse_number<unsigned>(a, value(), 1, 256);
        else if (a == "--tls-cert") o.tls_cert = value();
        else if (a == "--tls-key") o.tls_key = value();
        else if (a == "--jwt-private-key") o.jwt_private_key = value();
        else if (a == "--jwt-verify-key") o.jwt_verify_keys.emplace_back(value());
        else if (a == "--jwt-access-lifetime") o.jwt_access_lifetime = parse_number<std::int64_t>(a, value(), 1, 86400);
        else if (a == "--cors-origin") o.cors_origins.emplace_back(value());
        else if (a == "--static-dir") o.static_dir = value();
        else throw std::invalid_argument("unknown argument " + std::string(a));
    }
    if (!o.jwt_verify_keys.empty() && o.jwt_private_key.empty())
        throw std::invalid_argument("--jwt-verify-key needs --jwt-private-key");
    if (o.jwt_key.empty()) throw std::invalid_argument("--jwt-key must not be empty");
    if (o.tls_cert.empty() != o.tls_key.empty()) throw std::invalid_argument("--tls-cert and --tls-key go together");
    if (!o.redis.empty() && !redis_store::is_url(o.redis)) throw std::invalid_argument("--redis: expected redis://HOST:PORT/N");
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::invalid_argument("cannot read " + path);
    std::ostringstream text;
    text << f.rdbuf();
    return text.str();
}

/// The site's JWT keys: HS256 with --jwt-key, or the private key of --jwt-private-key
/// (its algorithm from its type) with the keys of --jwt-verify-key published beside it,
/// each named by its RFC 7638 thumbprint.
jwt::key_service jwt_keys(const options& o) {
    jwt::settings cfg = simple_jwt();
    cfg.access_token_lifetime = std::chrono::seconds(o.jwt_access_lifetime);
    if (o.jwt_private_key.empty()) return jwt::key_service::hs256(o.jwt_key, cfg);
    auto load = [](const std::string& path) {
        std::string pem = read_file(path);
        std::error_code ec;
        auto alg = jwt::implied_algorithm(pem, ec);
        if (!alg) throw std::invalid_argument(path + ": " + ec.message() + " (expected an RSA, EC P-256/384/521 or Ed25519 key)");
        return jwt::key::from_pem(*alg, pem);
    };
    std::vector<jwt::key> published;
    for (const auto& path : o.jwt_verify_keys) published.push_back(load(path));
    return jwt::key_service::from_keys(cfg, load(o.jwt_private_key), std::move(published));
}

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
int serve_site(const options& opt, const settings& s, const std::string& where, Stores&... stores) {
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
    if (!opt.tls_cert.empty()) so.tls = tls_options{opt.tls_cert, opt.tls_key};
    std::string base = (so.tls ? "https://" : "http://") + opt.address + ":" + std::to_string(opt.port);
    std::cout << "warden reference site on " << base << " (" << where << ")\n"
              << "users: alice/alice-pass, bob/bob-pass (staff), carol/carol-pass, dave/dave-pass (inactive)\n"
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
    if (opt.redis.empty()) return serve_site(opt, s, where, db);
    redis_store counters{opt.redis};
    return serve_site(opt, s, where + ", throttle counts in " + counters.where(), counters, db);
}

} // namespace site

int main(int argc, char** argv) {
    site::options opt;
    settings s;
    try {
        opt = site::parse(argc, argv);
        s = settings::from_env();
    } catch (const std::exception& e) {
        std::cerr << "reference_site: " << e.what() << "\n" << site::usage;
        return 2;
    }
    // The address it is told to listen on is one of its names, unless the environment
    // lists them (WARDEN_ALLOWED_HOSTS) or the address is a wildcard.
    if (std::getenv("WARDEN_ALLOWED_HOSTS") == nullptr && opt.address != "0.0.0.0" && opt.address != "::")
        s.allowed_hosts.push_back(opt.address.find(':') == std::string::npos ? opt.address : "[" + opt.address + "]");
    // The DRF reference's DEFAULT_THROTTLE_RATES.
    s.throttle_rates.try_emplace("anon", "3/minute");
    s.throttle_rates.try_emplace("user", "5/minute");
    // --cors-origin: that origin may call the API routes, with the user's cookies, and
    // post to them with the CSRF token (so it is a trusted origin of the CSRF checks).
    for (const auto& o : opt.cors_origins) {
        s.cors.allowed_origins.push_back(o);
        s.csrf.trusted_origins.push_back(o);
    }
    s.cors.allow_credentials = true;
    s.cors.urls_regex = "^/api/.*$";
    if (opt.db.empty()) opt.db = s.database_url.empty() ? "reference_site.db" : s.database_url;
    if (opt.redis.empty()) opt.redis = s.redis_url;
    try {
        if (postgres_store::is_url(opt.db)) {
            postgres_store db{opt.db};
            return site::run(opt, s, db, "database " + db.where());
        }
        sqlite_store db{opt.db};
        return site::run(opt, s, db, "database " + opt.db);
    } catch (const std::exception& e) {
        std::cerr << "reference_site: " << e.what() << "\n";
        return 1;
    }
}
