// The reference site: warden serving the same routes, policies and users as the Django
// REST Framework reference (../shared/reference/drf/refsite.py), so the two can be
// compared request by request.
//
//   reference_site [--address A] [--port P] [--db PATH|postgresql://...] [--redis redis://...]
//                  [--django-db PATH|postgresql://... --django-secret-key KEY]
//                  [--jwt-key KEY] [--threads N] [--tls-cert PEM --tls-key PEM]
//                  [--jwt-private-key PEM] [--jwt-verify-key PEM]... [--jwt-access-lifetime SECONDS]
//                  [--cors-origin ORIGIN]... [--static-dir DIR] [--no-inline-reads]
//                  [--token-cache MILLISECONDS] [--store-timeout MILLISECONDS] [--pool-size N]
//
// With --db postgresql://USER@HOST:PORT/DBNAME and --redis redis://HOST:PORT/N, several
// instances share every credential and throttle count (docs/deployment.md).
//
// With --django-db it serves over an existing Django site's database instead (docs/django.md):
// Django's users, DRF's tokens, Django's sessions and simplejwt's blacklist, seeding nothing;
// --django-secret-key is the site's SECRET_KEY (or DJANGO_SECRET_KEY), and the other
// DJANGO_* and SIMPLE_JWT_* variables of warden/app/django_settings.hpp apply.
//
// Beyond the DRF reference it serves what a browser needs (docs/browser.md): the login
// and logout pages at /api-auth/, a single-page demo at / and its JWT-in-cookie twin at
// /jwt/ (static files from --static-dir), the JWT cookie views under /api/token/cookie/
// and the public keys at /.well-known/jwks.json.
#include "site.hpp"

#include <warden/postgres.hpp>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace site {

constexpr const char* usage =
    "usage: reference_site [--address A] [--port P] [--db PATH|postgresql://USER@HOST:PORT/DBNAME]\n"
    "                      [--redis redis://HOST:PORT/N] [--jwt-key KEY] [--threads N]\n"
    "                      [--django-db PATH|postgresql://... [--django-secret-key KEY]]\n"
    "                      [--tls-cert PEM --tls-key PEM]\n"
    "                      [--jwt-private-key PEM] [--jwt-verify-key PEM]... [--jwt-access-lifetime SECONDS]\n"
    "                      [--cors-origin ORIGIN]... [--static-dir DIR] [--no-inline-reads]\n"
    "                      [--token-cache MILLISECONDS] [--store-timeout MILLISECONDS] [--pool-size N]\n";

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
        else if (a == "--django-db") o.django_db = value();
        else if (a == "--django-secret-key") o.django_secret_key = value();
        else if (a == "--jwt-key") o.jwt_key = value();
        else if (a == "--no-inline-reads") o.inline_reads = false;
        else if (a == "--token-cache")
            o.token_cache = std::chrono::milliseconds(parse_number<std::int64_t>(a, value(), 1, 3'600'000));
        else if (a == "--store-timeout")
            o.store_timeout = std::chrono::milliseconds(parse_number<std::int64_t>(a, value(), 1, 600'000));
        else if (a == "--pool-size") o.pool_size = parse_number<std::size_t>(a, value(), 1, 1024);
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
    if (!o.django_db.empty() && !o.db.empty()) throw std::invalid_argument("--db and --django-db exclude each other");
    if (o.token_cache.count() > 0 && !o.django_db.empty())
        throw std::invalid_argument("--token-cache: DRF's token table (--django-db) is not cached");
    if (!o.django_secret_key.empty() && o.django_db.empty()) throw std::invalid_argument("--django-secret-key needs --django-db");
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
    if (opt.redis.empty()) opt.redis = s.redis_url;
    if (opt.django_db.empty() && opt.db.empty()) opt.db = s.database_url.empty() ? "reference_site.db" : s.database_url;
    // --store-timeout and --pool-size tune the network stores: over SQLite alone they
    // would be ignored silently.
    if ((opt.store_timeout || opt.pool_size) && opt.redis.empty() && !postgres_store::is_url(opt.db) &&
        !postgres_store::is_url(opt.django_db)) {
        std::cerr << "reference_site: --store-timeout and --pool-size apply to PostgreSQL and Redis stores, and this "
                     "site uses neither (--db or --django-db postgresql://..., --redis redis://...)\n";
        return 2;
    }
    if (!opt.django_db.empty()) {
        try {
            // The Django site's settings under their Django names; Debian 12's Django (3.2)
            // hashes passwords with 260,000 iterations unless DJANGO_VERSION says otherwise.
            auto dj = django::site_settings::from_env(opt.django_secret_key);
            if (std::getenv("DJANGO_VERSION") == nullptr) dj.app.password.iterations = django::pbkdf2_iterations_of("3.2");
            s.secret_key = dj.app.secret_key;
            s.secret_key_fallbacks = dj.app.secret_key_fallbacks;
            s.session = dj.app.session;
            s.csrf.cookie_name = dj.app.csrf.cookie_name;
            s.password = dj.app.password;
            if (postgres_store::is_url(opt.django_db)) return site::serve_django_postgres(opt, s, dj.site);
            return site::serve_django_sqlite(opt, s, dj.site);
        } catch (const std::exception& e) {
            std::cerr << "reference_site: " << e.what() << "\n";
            return 1;
        }
    }
    try {
        if (postgres_store::is_url(opt.db)) return site::serve_postgres(opt, s);
        return site::serve_sqlite(opt, s);
    } catch (const std::exception& e) {
        std::cerr << "reference_site: " << e.what() << "\n";
        return 1;
    }
}

