// `warden user ...`, `warden token ...` and `warden throttle ...`: account, API-token
// and throttle-counter administration on a warden database, SQLite or PostgreSQL, or a
// Django site's own (what Django's createsuperuser, changepassword and DRF's
// drf_create_token do). Each command is a
// template over the store, which throws std::system_error on a store failure (the
// command then fails with its message).
#pragma once

#include "args.hpp"
#include "password_input.hpp"

#include <warden/auth/credentials.hpp>
#include <warden/core/clock.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/password.hpp>
#include <warden/token/tokens.hpp>

#include <openssl/crypto.h>

#include <charconv>
#include <chrono>
#include <iostream>
#include <string>

namespace warden::cli {

template <class Db>
std::shared_ptr<const user> require_user(Db& db, const std::string& name) {
    auto u = db.find_user_by_username(name);
    if (!u) throw command_error("user " + name + " does not exist");
    return u;
}

inline std::string hash_password(std::string password, const settings& s) {
    std::string encoded;
    auto ec = crypto::make_password(password, encoded, password_policy_of(s));
    OPENSSL_cleanse(password.data(), password.size());
    if (ec) throw command_error("could not hash the password: " + ec.message());
    return encoded;
}

inline bool parse_bool(const std::string& v) {
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    throw usage_error("expected true or false, not '" + v + "'");
}

// warden user create NAME --email E [--staff] [--superuser] [--password-stdin]
template <class Db>
int user_create(const args& a, Db& db, const settings& s) {
    a.expect_positional(1, "a user name: warden user create NAME --email EMAIL");
    const std::string& name = a.positional()[0];
    auto email = a.option("email");
    if (!email) throw usage_error("--email is required");
    if (name.empty() || name.size() > 150) throw usage_error("a user name has 1 to 150 characters");
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '@' || c == '.' || c == '+' || c == '-' || c == '_'))
            throw usage_error("a user name may contain only letters, digits and @.+-_ (as Django's)");
    if (db.find_user_by_username(name)) throw command_error("user " + name + " already exists");
    user u;
    u.username = name;
    u.email = *email;
    u.is_staff = a.flag("staff") || a.flag("superuser");
    u.is_superuser = a.flag("superuser");
    u.date_joined = clock{}.now_seconds();
    u.password = a.flag("password-stdin") ? hash_password(read_password_line(), s) : crypto::make_unusable_password();
    if (auto ec = db.create_user(u)) throw command_error("could not create user " + name + ": " + ec.message());
    std::cout << "Created user " << name << " (id " << u.id << ")"
              << (a.flag("password-stdin") ? "" : "; no password set: it can use tokens only") << "\n";
    return 0;
}

// warden user set-active NAME true|false
template <class Db>
int user_set_active(const args& a, Db& db) {
    a.expect_positional(2, "a user name and true or false: warden user set-active NAME true|false");
    bool active = parse_bool(a.positional()[1]);
    user u = *require_user(db, a.positional()[0]);
    u.is_active = active;
    if (auto ec = db.update_user(u)) throw command_error("could not update user: " + ec.message());
    if (!active) db.delete_user_sessions(u.id);
    std::cout << "User " << u.username << " is now " << (active ? "active" : "inactive") << "\n";
    return 0;
}

// warden user set-password NAME --password-stdin
template <class Db>
int user_set_password(const args& a, Db& db, const settings& s) {
    a.expect_positional(1, "a user name: warden user set-password NAME --password-stdin");
    user u = *require_user(db, a.positional()[0]);
    std::string pw = a.flag("password-stdin") ? read_password_line() : prompt_password();
    if (auto ec = set_user_password(db, u, hash_password(std::move(pw), s)))
        throw command_error("could not update user: " + ec.message());
    db.delete_user_sessions(u.id);   // a password change ends the user's sessions
    std::cout << "Password changed for user " << u.username << "\n";
    return 0;
}

// warden token create NAME [--reset]
template <class Db>
int token_create(const args& a, Db& db, const settings& s) {
    a.expect_positional(1, "a user name: warden token create NAME [--reset]");
    auto u = require_user(db, a.positional()[0]);
    if (a.flag("reset")) token::revoke_all(db, u->id);
    std::string key;
    if (auto ec = token::issue(db, u->id, s, clock{}.now_seconds(), key))
        throw command_error("could not create the token: " + ec.message());
    std::cout << "Generated token " << key << " for user " << u->username << "\n";
    return 0;
}

// warden token revoke KEY
template <class Db>
int token_revoke(const args& a, Db& db) {
    a.expect_positional(1, "a token key: warden token revoke KEY");
    if (!token::revoke(db, a.positional()[0])) throw command_error("no such token");
    std::cout << "Token revoked\n";
    return 0;
}

// warden throttle purge [--idle SECONDS]
template <class Counters>
int throttle_purge(const args& a, Counters& counters) {
    a.expect_positional(0, "no arguments: warden throttle purge [--idle SECONDS]");
    double idle = 86400;
    if (auto v = a.option("idle")) {
        long long n = 0;
        auto r = std::from_chars(v->data(), v->data() + v->size(), n);
        if (v->empty() || r.ec != std::errc{} || r.ptr != v->data() + v->size() || n < 0)
            throw usage_error("--idle: expected a whole number of seconds");
        idle = static_cast<double>(n);
    }
    const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::cout << "Removed " << counters.purge_throttle(now, idle) << " throttle counter(s)\n";
    return 0;
}

} // namespace warden::cli
