// Shared fixtures for the auth tests: a memory store seeded like the reference site,
// with cheap password hashing.
#pragma once

#include <warden.hpp>
#include <warden/auth/basic_auth.hpp>
#include <warden/token/auth.hpp>
#include <warden/crypto/password.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/test/client.hpp>
#include <warden/token/logout.hpp>
#include <warden/token/obtain.hpp>
#include <warden/token/tokens.hpp>

#include <support/users.hpp>

#include <catch2/catch.hpp>

namespace fixtures {

using warden_test::add_user;
using warden_test::seed;
using warden_test::test_settings;

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
                       warden::route<"/api/token-auth/", warden::obtain_auth_token>,
                       warden::route<"/api/token-auth/logout/", warden::logout_token>,
                       warden::route<"/api/token-auth/logout-all/", warden::logout_all>>(db, std::move(s));
}

template <class Site>
std::string obtain(Site& site, std::string_view user) {
    warden::test::client c{site};
    auto r = c.post("/api/token-auth/", warden_test::credentials(user));
    REQUIRE(r.status() == 200);
    return std::string(r.json().at("token").as_string());
}

} // namespace fixtures
