// The `warden` command: administration of a warden database (users, API tokens) and
// JWT/JWS utilities. Exit status: 0 success, 1 the command failed (e.g. an unknown
// user), 2 a usage error.
#include "args.hpp"
#include "jwt_commands.hpp"
#include "user_commands.hpp"

#include <warden/core/settings.hpp>
#include <warden/store/sqlite_store.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage = R"(usage: warden [--db PATH] COMMAND ...

Administers a warden SQLite database (default: $WARDEN_DB, else warden.db) and works
with JSON Web Tokens.

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
        digest is stored. --reset first revokes the user's other tokens.
  warden token revoke KEY
        Revoke one token.

JSON Web Tokens (KEY is --alg ALG with one of --secret TEXT, --secret-b64url K,
--key FILE (PEM public or private key, JWK, or for verifying a JWK Set);
--allow-short-key accepts HMAC secrets shorter than the hash; TOKEN - reads stdin):
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
  --db PATH     the database file (the user and token commands accept it)
  --help        this text
)";

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

    auto open = [](const args& a) {
        auto path = a.option("db");
        const char* env = std::getenv("WARDEN_DB");
        return warden::sqlite_store(path ? *path : env && *env ? env : "warden.db");
    };
    auto settings = warden::settings::from_env();

    if (group == "user" && command == "create") {
        args a(rest, {"staff", "superuser", "password-stdin"}, {"db", "email"});
        auto db = open(a);
        return user_create(a, db, settings);
    }
    if (group == "user" && command == "set-active") {
        args a(rest, {}, {"db"});
        auto db = open(a);
        return user_set_active(a, db);
    }
    if (group == "user" && command == "set-password") {
        args a(rest, {"password-stdin"}, {"db"});
        auto db = open(a);
        return user_set_password(a, db, settings);
    }
    if (group == "token" && command == "create") {
        args a(rest, {"reset"}, {"db"});
        auto db = open(a);
        return token_create(a, db, settings);
    }
    if (group == "token" && command == "revoke") {
        args a(rest, {}, {"db"});
        auto db = open(a);
        return token_revoke(a, db);
    }
    if (group == "jwt" && command == "verify")
        return jwt_verify(args(rest, {"allow-short-key"}, {"alg", "secret", "secret-b64url", "key", "now", "leeway",
                                                           "token-type", "require", "audience", "issuer"}));
    if (group == "jws" && command == "verify")
        return jws_verify(args(rest, {"allow-short-key"}, {"alg", "secret", "secret-b64url", "key"}));
    if (group == "jwt" && command == "sign")
        return jwt_sign(args(rest, {"allow-short-key"}, {"alg", "secret", "secret-b64url", "key", "kid", "now", "exp-in"}));
    if (group == "jwt" && command == "decode") return jwt_decode(args(rest, {}, {}));
    throw usage_error("unknown command '" + std::string(group) + (command.empty() ? "" : " ") + std::string(command) + "'");
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    // A global --db before the command is moved after it, so both spellings work.
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--db" && i == 0) {
            auto path = args[1];
            args.erase(args.begin(), args.begin() + 2);
            args.push_back("--db");
            args.push_back(path);
            break;
        }
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
