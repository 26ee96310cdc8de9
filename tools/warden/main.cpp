// The `warden` command: administration of a warden database (users, API tokens,
// throttle counters) and JWT/JWS utilities. Exit status: 0 success, 1 the command failed
// (e.g. an unknown user, a database that cannot be reached), 2 a usage error.
#include "args.hpp"
#include "jwt_commands.hpp"
#include "user_commands.hpp"

#include <warden/app/django_settings.hpp>
#include <warden/core/settings.hpp>
#include <warden/store/django/postgres_store.hpp>
#include <warden/store/django/sqlite_store.hpp>
#include <warden/store/postgres_store.hpp>
#include <warden/store/redis_store.hpp>
#include <warden/store/sqlite_store.hpp>

#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <set>
#include <type_traits>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage = R"(usage: warden [--db PATH|postgresql://...] [--redis redis://...] COMMAND ...
       warden --django-db PATH|postgresql://... [--django-secret-key KEY] COMMAND ...

Administers a warden database, SQLite or PostgreSQL (default: $WARDEN_DATABASE_URL,
else $WARDEN_DB, else warden.db), or with --django-db a Django site's own database
(docs/django.md), and works with JSON Web Tokens.

Users and tokens:
  warden user create NAME --email EMAIL [--staff] [--superuser] [--password-stdin]
        Create a user. With --password-stdin the password is one line read from
        standard input; without it the user has no usable password (tokens only).
  warden user set-active NAME true|false
        Switch an account on or off (off also ends its sessions at once).
  warden user set-password NAME [--password-stdin]
        Set a password (prompted with echo off unless --password-stdin).
  warden token create NAME [--reset]
        Print "Generated token KEY for user NAME". The key is shown once: only its
        digest is stored. --reset first revokes the user's other tokens. With
        --django-db it is DRF's drf_create_token: the user's one key (stored in clear,
        as DRF does), made if missing; --reset (its -r) replaces it.
  warden token revoke KEY
        Revoke one token.
  warden throttle purge [--idle SECONDS]
        Remove throttle counters idle for SECONDS (default 86400, the longest DRF
        window), from Redis with --redis (or $WARDEN_REDIS_URL), else the database.
        Stores purge on their own; this is for an immediate clean-up.

JSON Web Tokens (KEY is --alg ALG with one of --secret TEXT, --secret-b64url K,
--key FILE (PEM public or private key, JWK, or for verifying a JWK Set);
--allow-short-key accepts HMAC secrets shorter than the hash; TOKEN - reads stdin;
with --django-db or --django-secret-key and no key given: simplejwt's, HS256 with
$SIMPLE_JWT_SIGNING_KEY, else the Django site's SECRET_KEY):
  warden jwt verify KEY [--now EPOCH] [--leeway S] [--token-type access|refresh|sliding]
        [--require CLAIM]... [--audience A]... [--issuer I] TOKEN
        Verify signature and claims (exp required); print the claims as JSON.
        Exit 0 valid, 1 refused (the reason on stderr), 2 usage or key error.
  warden jws verify KEY TOKEN
        Verify the signature only; print the payload as it is.
  warden jwt sign KEY [--kid KID] [--now EPOCH] [--exp-in S] CLAIMS
        Sign a JSON object (CLAIMS, or - for stdin) as PyJWT does; --exp-in sets
        iat (if absent) and exp = now + S.
  warden jwt decode TOKEN
        Print header and claims WITHOUT verifying anything ("verified": false).

Options:
  --db PATH|URL     the database: a SQLite file, or postgresql://USER@HOST:PORT/DBNAME
                    (a password in the URL, or PGPASSWORD; never printed)
  --django-db PATH|URL
                    a Django site's database instead (its auth_user, authtoken_token,
                    django_session and simplejwt tables; nothing is created)
  --django-secret-key KEY
                    the Django site's SECRET_KEY (default: $DJANGO_SECRET_KEY); the
                    other DJANGO_* variables of docs/django.md apply too
  --redis URL       redis://HOST:PORT/N, the throttle counters (throttle purge)
  --help            this text
)";

// Opens the database `--db` (else $WARDEN_DATABASE_URL, $WARDEN_DB, warden.db), or the
// Django site's of `--django-db`, and runs `f` on it: the commands are written once for
// every kind. In the Django mode the settings are the Django site's (its secret key, its
// password hasher's work factor).
template <class F>
int with_db(const warden::cli::args& a, warden::settings s, F&& f) {
    if (auto dj = a.option("django-db")) {
        if (a.option("db")) throw warden::cli::usage_error("--db and --django-db exclude each other");
        auto site = warden::django::site_settings::from_env(a.option("django-secret-key").value_or(""));
        s = site.app;
        if (warden::postgres_store::is_url(*dj)) {
            warden::django::postgres_store db{*dj, {site.site}};
            return f(db, s);
        }
        warden::django::sqlite_store db{*dj, {site.site}};
        return f(db, s);
    }
    if (a.option("django-secret-key")) throw warden::cli::usage_error("--django-secret-key needs --django-db");
    std::string where;
    if (auto db = a.option("db")) where = *db;
    else if (!s.database_url.empty()) where = s.database_url;
    else if (const char* env = std::getenv("WARDEN_DB"); env && *env) where = env;
    else where = "warden.db";
    if (warden::postgres_store::is_url(where)) {
        warden::postgres_store db{where};
        return f(db, s);
    }
    warden::sqlite_store db{where};
    return f(db, s);
}

// The options every database command takes, with its own.
std::set<std::string_view> db_options(std::initializer_list<std::string_view> own = {}) {
    std::set<std::string_view> out{"db", "django-db", "django-secret-key"};
    out.insert(own.begin(), own.end());
    return out;
}

// The JWT commands' arguments. Beside a Django site (--django-db or --django-secret-key)
// a command given no key takes simplejwt's: HS256 with SIMPLE_JWT_SIGNING_KEY, else the
// site's SECRET_KEY (simplejwt's default); `key` holds it while the arguments are used.
warden::cli::args jwt_args(std::vector<std::string_view> rest, const std::set<std::string_view>& flags,
                           std::set<std::string_view> options, std::string& key) {
    options.insert({"django-db", "django-secret-key"});
    warden::cli::args a(rest, flags, options);
    if (!a.option("django-db") && !a.option("django-secret-key")) return a;
    key = warden::django::site_settings::from_env(a.option("django-secret-key").value_or("")).jwt.signing_key;
    if (!a.option("alg")) rest.insert(rest.end(), {"--alg", "HS256"});
    if (!a.option("secret") && !a.option("secret-b64url") && !a.option("key")) rest.insert(rest.end(), {"--secret", key});
    return warden::cli::args(rest, flags, options);
}

int run(std::vector<std::string_view> argv) {
    using namespace warden::cli;
    if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
        std::cout << usage;
        return argv.empty() ? 2 : 0;
    }
    std::string_view group = argv[0];
    std::string_view command = argv.size() > 1 ? argv[1] : std::string_view{};
    std::vector<std::string_view> rest(argv.begin() + std::min<std::size_t>(2, argv.size()), argv.end());
    for (auto a : rest)
        if (a == "--help") { std::cout << usage; return 0; }

    auto settings = warden::settings::from_env();

    if (group == "user" && command == "create") {
        args a(rest, {"staff", "superuser", "password-stdin"}, db_options({"email"}));
        return with_db(a, settings, [&](auto& db, const auto& s) { return user_create(a, db, s); });
    }
    if (group == "user" && command == "set-active") {
        args a(rest, {}, db_options());
        return with_db(a, settings, [&](auto& db, const auto&) { return user_set_active(a, db); });
    }
    if (group == "user" && command == "set-password") {
        args a(rest, {"password-stdin"}, db_options());
        return with_db(a, settings, [&](auto& db, const auto& s) { return user_set_password(a, db, s); });
    }
    if (group == "token" && command == "create") {
        args a(rest, {"reset"}, db_options());
        return with_db(a, settings, [&](auto& db, const auto& s) { return token_create(a, db, s); });
    }
    if (group == "token" && command == "revoke") {
        args a(rest, {}, db_options());
        return with_db(a, settings, [&](auto& db, const auto&) { return token_revoke(a, db); });
    }
    if (group == "throttle" && command == "purge") {
        args a(rest, {}, {"db", "redis", "idle"});
        std::string redis = a.option("redis").value_or(settings.redis_url);
        if (!redis.empty()) {
            if (!warden::redis_store::is_url(redis)) throw usage_error("--redis: expected redis://HOST:PORT/N");
            warden::redis_store counters{redis};
            return throttle_purge(a, counters);
        }
        return with_db(a, settings, [&](auto& db, const auto&) {
            // (Not reached for a Django database: this command does not take --django-db.)
            if constexpr (warden::throttle_store<std::remove_reference_t<decltype(db)>>) return throttle_purge(a, db);
            else return 2;
        });
    }
    std::string django_key;
    if (group == "jwt" && command == "verify")
        return jwt_verify(jwt_args(rest, {"allow-short-key"},
                                   {"alg", "secret", "secret-b64url", "key", "now", "leeway", "token-type", "require",
                                    "audience", "issuer"},
                                   django_key));
    if (group == "jws" && command == "verify")
        return jws_verify(jwt_args(rest, {"allow-short-key"}, {"alg", "secret", "secret-b64url", "key"}, django_key));
    if (group == "jwt" && command == "sign")
        return jwt_sign(jwt_args(rest, {"allow-short-key"}, {"alg", "secret", "secret-b64url", "key", "kid", "now", "exp-in"},
                                 django_key));
    if (group == "jwt" && command == "decode") return jwt_decode(args(rest, {}, {}));
    throw usage_error("unknown command '" + std::string(group) + (command.empty() ? "" : " ") + std::string(command) + "'");
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    // Global options before the command are moved after it, so both spellings work.
    while (args.size() >= 2 &&
           (args[0] == "--db" || args[0] == "--redis" || args[0] == "--django-db" || args[0] == "--django-secret-key")) {
        auto flag = args[0], value = args[1];
        args.erase(args.begin(), args.begin() + 2);
        args.push_back(flag);
        args.push_back(value);
    }
    try {
        return run(args);
    } catch (const warden::cli::usage_error& e) {
        std::cerr << "warden: " << e.what() << " (see warden --help)\n";
        return 2;
    } catch (const warden::cli::command_error& e) {
        std::cerr << "warden: " << e.what() << "\n";
        return 1;
    } catch (const std::invalid_argument& e) {   // malformed WARDEN_* settings
        std::cerr << "warden: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "warden: " << e.what() << "\n";
        return 1;
    }
}
