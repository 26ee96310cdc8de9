// Fixtures for the JWT authentication tests: stores seeded like the reference site
// (alice, bob staff, carol, dave inactive: ids 1-4), the reference site's JWT routes
// and SIMPLE_JWT, token minting with the same key, and a frozen clock.
#ifndef WARDEN_TESTS_UNIT_JWT_AUTH_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_JWT_AUTH_SUPPORT_HPP

#include <warden.hpp>
#include <warden/session/auth.hpp>
#include <warden/token/auth.hpp>
#include <warden/jwt/auth.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/views.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/test/client.hpp>
#include <warden/token/obtain.hpp>

#include <support/backends.hpp>
#include <support/users.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace jwt_auth_test {

// Stores and users, shared with the other test areas.
using warden_test::add_user;
using warden_test::backends;
using warden_test::credentials;
using warden_test::memory_backend;
using warden_test::seed;
using warden_test::set_active;
using warden_test::sqlite_backend;
using warden_test::test_settings;

/// The DRF reference's SIGNING_KEY (42 bytes).
inline constexpr std::string_view secret = "reference-jwt-signing-key-0123456789abcdef";
/// A frozen "now" for tests that look at times.
inline constexpr std::int64_t t0 = 1'800'000'000;

inline std::chrono::system_clock::time_point at(std::int64_t s) {
    return std::chrono::system_clock::time_point{std::chrono::seconds{s}};
}

/// The reference site's SIMPLE_JWT: 5 minutes, 1 day, rotation with blacklisting.
inline warden::jwt::settings refsite_jwt() {
    warden::jwt::settings cfg;
    cfg.access_token_lifetime = std::chrono::minutes(5);
    cfg.refresh_token_lifetime = std::chrono::hours(24);
    cfg.rotate_refresh_tokens = true;
    cfg.blacklist_after_rotation = true;
    return cfg;
}

// What authenticated the request, for checking `auth()`.
template <class Auth>
struct whoami_api : warden::api_view<warden::authentication<Auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        const auto& a = req.auth();
        boost::json::object o;
        o["id"] = req.user().id;
        o["username"] = req.user().username;
        o["email"] = req.user().email;
        o["is_staff"] = req.user().is_staff;
        o["scheme"] = a.scheme;
        o["credential"] = a.credential_id;
        o["expires_at"] = a.expires_at;
        if (a.claims) o["claims"] = *a.claims;
        return warden::json(boost::json::value(std::move(o)));
    }
};

// The reference site's ProfileAPI with JWT authentication.
struct profile_api : warden::api_view<warden::authentication<warden::jwt::jwt_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

// The reference site's AnyAuthProfileAPI: Token, then JWT, then session.
struct any_profile_api
    : warden::api_view<warden::authentication<warden::token_auth, warden::jwt::jwt_auth, warden::session_auth>,
                       warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

template <class Store>
auto make_site(Store& db, warden::jwt::settings cfg = refsite_jwt(), warden::settings s = test_settings()) {
    using namespace warden;
    return app<defaults<parsers<json_parser, form_parser>>,
               route<"/api/token/", jwt::token_obtain_pair>,
               route<"/api/token/refresh/", jwt::token_refresh>,
               route<"/api/token/verify/", jwt::token_verify>,
               route<"/api/token/blacklist/", jwt::token_blacklist>,
               route<"/api/token/sliding/", jwt::token_obtain_sliding>,
               route<"/api/token/sliding/refresh/", jwt::token_refresh_sliding>,
               route<"/api/token-auth/", obtain_auth_token>,
               route<"/api/jwt/profile/", profile_api>,
               route<"/api/any/profile/", any_profile_api>,
               route<"/api/whoami/", whoami_api<jwt::jwt_auth>>,
               route<"/api/stateless/", whoami_api<jwt::jwt_stateless_auth>>,
               route<"/api/revocable/", whoami_api<jwt::revocable_jwt_auth>>>(db, std::move(s),
                                                                              jwt::key_service::hs256(secret, std::move(cfg)));
}

struct pair {
    std::string access, refresh;
};

template <class Client>
pair obtain(Client& c, std::string_view user) {
    auto r = c.post("/api/token/", credentials(user));
    REQUIRE(r.status() == 200);
    auto o = r.json().as_object();
    return {std::string(o.at("access").as_string()), std::string(o.at("refresh").as_string())};
}

inline std::string bearer(std::string_view token) { return "Bearer " + std::string(token); }

/// Signs `claims` with the test key (HS256 unless told), as another simplejwt service would.
inline std::string mint(const boost::json::object& claims, std::string_view key = secret,
                        warden::jwt::algorithm alg = warden::jwt::algorithm::hs256) {
    // Any key length: a foreign signer need not follow warden's minimum.
    return warden::jwt::sign_jwt(warden::jwt::key::hmac(alg, key, warden::jwt::key_options{.min_hmac_key_length = false}), claims);
}

/// A well-formed access token claim set for user `user_id` valid at `now`.
inline boost::json::object access_claims(boost::json::value user_id, std::int64_t now) {
    return boost::json::object{{"token_type", "access"}, {"exp", now + 300}, {"iat", now},
                               {"jti", warden::jwt::token::new_jti()}, {"user_id", std::move(user_id)}};
}

inline boost::json::object payload_of(std::string_view token) {
    boost::json::object header, payload;
    REQUIRE_FALSE(warden::jwt::decode_unverified(token, header, payload));
    return payload;
}

// simplejwt's InvalidToken body.
inline boost::json::value invalid(std::string_view message) {
    return boost::json::object{{"detail", message}, {"code", "token_not_valid"}};
}

// simplejwt's "Given token not valid for any token type" body with one access entry.
inline boost::json::value not_valid_for_any(std::string_view message) {
    return boost::json::object{{"detail", "Given token not valid for any token type"},
                               {"code", "token_not_valid"},
                               {"messages", boost::json::array{boost::json::object{
                                                {"token_class", "AccessToken"}, {"token_type", "access"}, {"message", message}}}}};
}

} // namespace jwt_auth_test

#endif
