// Users for the unit tests, seeded into any store like the DRF reference site: alice,
// bob (staff), carol, dave (inactive), ids 1-4 in a fresh store, each with the password
// "<name>-pass" hashed with few PBKDF2 iterations so that tests stay fast.
//
//     warden::memory_store db;
//     warden_test::seed(db);
//     auto site = make_site(db, warden_test::test_settings());
//     c.post("/api/login/", warden_test::credentials("alice"));
#ifndef WARDEN_TESTS_SUPPORT_USERS_HPP
#define WARDEN_TESTS_SUPPORT_USERS_HPP

#include <warden/core/identity.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/password.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace warden_test {

/// PBKDF2 iterations for test passwords (Django's default is 260,000 in 3.2).
inline constexpr std::uint32_t test_iterations = 1000;

/// Settings with cheap password hashing and a fixed SECRET_KEY.
inline warden::settings test_settings() {
    warden::settings s;
    s.password.iterations = test_iterations;
    s.secret_key = "test-secret";
    return s;
}

/// Creates user `name` with email "<name>@example.com" and password "<name>-pass";
/// returns its id.
template <class Store>
std::int64_t add_user(Store& db, std::string name, bool staff = false, bool active = true,
                      std::uint32_t iterations = test_iterations) {
    warden::user u;
    u.username = name;
    u.email = name + "@example.com";
    u.is_staff = staff;
    u.is_active = active;
    warden::crypto::password_policy p;
    p.iterations = iterations;
    REQUIRE_FALSE(warden::crypto::make_password(name + "-pass", u.password, p));
    REQUIRE_FALSE(db.create_user(u));
    return u.id;
}

/// alice, bob (staff), carol, dave (inactive): ids 1-4 in a fresh store, as the
/// reference site.
template <class Store>
void seed(Store& db) {
    add_user(db, "alice");
    add_user(db, "bob", true);
    add_user(db, "carol");
    add_user(db, "dave", false, false);
}

/// Switches user `name` on or off.
template <class Store>
void set_active(Store& db, std::string_view name, bool active) {
    auto u = *db.find_user_by_username(name);
    u.is_active = active;
    REQUIRE_FALSE(db.update_user(u));
}

/// The JSON body {"username": user, "password": "<user>-pass"}.
inline std::string credentials(std::string_view user) {
    return std::string(R"({"username":")") + std::string(user) + R"(","password":")" + std::string(user) + R"(-pass"})";
}

} // namespace warden_test

#endif
