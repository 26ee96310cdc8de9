// Shared fixtures for the auth tests: a memory store seeded like the reference site,
// with cheap password hashing.
#pragma once

#include <warden.hpp>
#include <warden/auth/basic_auth.hpp>
#include <warden/auth/token_auth.hpp>
#include <warden/crypto/password.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/test/client.hpp>
#include <warden/token/obtain.hpp>
#include <warden/token/tokens.hpp>

#include <catch2/catch.hpp>

namespace fixtures {

inline constexpr std::uint32_t test_iterations = 1000;

inline warden::settings test_settings() {
    warden::settings s;
    s.password.iterations = test_iterations;
    s.secret_key = "test-secret";
    return s;
}

inline std::int64_t add_user(warden::memory_store& db, std::string name, bool staff = false, bool active = true,
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

inline void seed(warden::memory_store& db) {
    add_user(db, "alice");
    add_user(db, "bob", true);
    add_user(db, "carol");
    add_user(db, "dave", false, false);
}

struct profile_api : warden::api_view<warden::authentication<warden::token_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

struct basic_profile_api : warden::api_view<warden::authentication<warden::basic_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

inline auto make_site(warden::memory_store& db, warden::settings s = test_settings()) {
    return warden::app<warden::defaults<warden::parsers<warden::json_parser, warden::form_parser>>,
                       warden::route<"/api/profile/", profile_api>, warden::route<"/api/basic/profile/", basic_profile_api>,
                       warden::route<"/api/token-auth/", warden::obtain_auth_token>>(db, std::move(s));
}

template <class Site>
std::string obtain(Site& site, std::string_view user) {
    warden::test::client c{site};
    auto r = c.post("/api/token-auth/", std::string(R"({"username":")") + std::string(user) + R"(","password":")" +
                                            std::string(user) + R"(-pass"})");
    REQUIRE(r.status() == 200);
    return std::string(r.json().at("token").as_string());
}

} // namespace fixtures
