// jwt_auth, jwt_stateless_auth and revocable_jwt_auth: simplejwt's messages, codes and
// challenge, malformed headers, users gone or switched off, the settings that shape
// authentication, and what `req.auth()` carries.
#include "support.hpp"

using namespace warden;
using namespace jwt_auth_test;

TEST_CASE("an access token from the obtain view authenticates; without one the challenge is Bearer realm=\"api\"",
          "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    test::client c{site};
    auto tokens = obtain(c, "alice");
    auto ok = c.get("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}});
    CHECK(ok.status() == 200);
    CHECK(ok.json() == boost::json::parse(R"({"username":"alice","email":"alice@example.com"})"));
    CHECK(c.head("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}}).status() == 200);

    auto none = c.get("/api/jwt/profile/");
    CHECK(none.status() == 401);
    CHECK(none.header("WWW-Authenticate") == "Bearer realm=\"api\"");
    CHECK(none.json() == boost::json::parse(R"({"detail":"Authentication credentials were not provided."})"));

    auto del = c.del("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}});
    CHECK(del.status() == 405);
    CHECK(del.detail() == "Method \"DELETE\" not allowed.");
}

TEST_CASE("malformed Authorization headers get simplejwt's answers", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    test::client c{site};
    auto tokens = obtain(c, "alice");
    const boost::json::value two_values =
        boost::json::parse(R"({"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"})");
    for (std::string h : {std::string("Bearer"), std::string("Bearer   "), std::string("Bearer a b"),
                          "Bearer " + tokens.access + " " + tokens.access}) {
        INFO(h);
        auto r = c.get("/api/jwt/profile/", {{"Authorization", h}});
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Bearer realm=\"api\"");
        CHECK(r.json() == two_values);
    }
    // The keyword is case-sensitive and must be one of AUTH_HEADER_TYPES: otherwise
    // these are not JWT credentials at all.
    for (std::string h : {"bearer " + tokens.access, "JWT " + tokens.access, "Token " + tokens.access, std::string(""),
                          std::string("   ")}) {
        INFO(h);
        auto r = c.get("/api/jwt/profile/", {{"Authorization", h}});
        CHECK(r.status() == 401);
        CHECK(r.detail() == "Authentication credentials were not provided.");
    }
    // Runs of whitespace split like Python's bytes.split().
    for (std::string h : {"Bearer  " + tokens.access, "Bearer\t" + tokens.access, "  Bearer " + tokens.access + "  "}) {
        INFO(h);
        CHECK(c.get("/api/jwt/profile/", {{"Authorization", h}}).status() == 200);
    }
    for (std::string t : {std::string("abc.def.ghi"), tokens.access + "x", std::string("not-a-jwt"), std::string("..."),
                          std::string("0123456789abcdef0123456789abcdef01234567")}) {
        INFO(t);
        auto r = c.get("/api/jwt/profile/", {{"Authorization", bearer(t)}});
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Bearer realm=\"api\"");
        CHECK(r.json() == not_valid_for_any("Token is invalid or expired"));
    }
}

TEST_CASE("oversized, binary and hostile Authorization headers never answer 500", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    test::client c{site};
    auto tokens = obtain(c, "alice");
    auto dot = tokens.access.find('.');
    std::vector<std::string> values = {
        bearer(std::string(60'000, 'a')),   // Beast's limit for one field value is 64 KiB
        bearer(std::string(9000, 'a') + "." + std::string(9000, 'b') + "." + std::string(9000, 'c')),
        bearer(tokens.access + std::string(20'000, 'A')),
        bearer(std::string(5000, '.')),
        bearer("\xff\xfe\xfd.\x80\x81.\xc0\xc1"),
        bearer(std::string("\x01\x02\x03", 3)),
        bearer(tokens.access.substr(0, dot) + ".e30." + tokens.access.substr(tokens.access.rfind('.') + 1)),
        bearer("eyJhbGciOiJub25lIn0.e30."),
        bearer("e30.e30.e30"),
        bearer("W10.W10.W10"),
        "Bearer " + std::string(3000, ' ') + "x",
    };
    for (const auto& v : values) {
        auto r = c.get("/api/jwt/profile/", {{"Authorization", v}});
        CHECK(r.status() == 401);
        CHECK(r.header("WWW-Authenticate") == "Bearer realm=\"api\"");
        auto body = r.json();
        REQUIRE(body.is_object());
        CHECK(body.as_object().contains("code"));
    }
}

TEST_CASE("tokens signed with the key show each of simplejwt's refusals", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto get = [&](const boost::json::object& claims) {
        return c.get("/api/jwt/profile/", {{"Authorization", bearer(mint(claims))}});
    };
    CHECK(get(access_claims(3, t0)).json() == boost::json::parse(R"({"username":"carol","email":"carol@example.com"})"));
    CHECK(get(access_claims("3", t0)).status() == 200);   // Django converts a string id

    auto no_user = get(access_claims(99, t0));
    CHECK(no_user.status() == 401);
    CHECK(no_user.json() == boost::json::parse(R"({"detail":"User not found","code":"user_not_found"})"));
    for (boost::json::value odd : {boost::json::value("abc"), boost::json::value(true), boost::json::value(nullptr),
                                   boost::json::value(1.5), boost::json::value(boost::json::array{1})})
        CHECK(get(access_claims(odd, t0)).json() == boost::json::parse(R"({"detail":"User not found","code":"user_not_found"})"));

    auto inactive = get(access_claims(4, t0));
    CHECK(inactive.status() == 401);
    CHECK(inactive.json() == boost::json::parse(R"({"detail":"User is inactive","code":"user_inactive"})"));

    auto claims = access_claims(1, t0);
    claims.erase("user_id");
    auto anonymous = get(claims);
    CHECK(anonymous.status() == 401);
    CHECK(anonymous.header("WWW-Authenticate") == "Bearer realm=\"api\"");
    CHECK(anonymous.json() ==
          boost::json::parse(R"({"detail":"Token contained no recognizable user identification","code":"token_not_valid"})"));

    struct refusal { std::string what; boost::json::object claims; std::string message; };
    std::vector<refusal> cases;
    auto without = [&](const char* name) { auto o = access_claims(1, t0); o.erase(name); return o; };
    auto with = [&](const char* name, boost::json::value v) { auto o = access_claims(1, t0); o[name] = std::move(v); return o; };
    cases.push_back({"no jti", without("jti"), "Token has no id"});
    cases.push_back({"no token_type", without("token_type"), "Token has no type"});
    cases.push_back({"no exp", without("exp"), "Token has no 'exp' claim"});
    cases.push_back({"refresh type", with("token_type", "refresh"), "Token has wrong type"});
    cases.push_back({"sliding type", with("token_type", "sliding"), "Token has wrong type"});
    cases.push_back({"expired", with("exp", t0), "Token is invalid or expired"});
    cases.push_back({"exp a string", with("exp", "soon"), "Token is invalid or expired"});
    cases.push_back({"not before", with("nbf", t0 + 120), "Token is invalid or expired"});
    cases.push_back({"issued in the future", with("iat", t0 + 120), "Token is invalid or expired"});
    for (const auto& x : cases) {
        INFO(x.what);
        auto r = get(x.claims);
        CHECK(r.status() == 401);
        CHECK(r.json() == not_valid_for_any(x.message));
    }
    // The right key under another algorithm, another key, a short key.
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(mint(access_claims(1, t0), secret, jwt::algorithm::hs512))}})
              .json() == not_valid_for_any("Token is invalid or expired"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(mint(access_claims(1, t0), "another-key-0123456789abcdef0123456789"))}})
              .json() == not_valid_for_any("Token is invalid or expired"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(mint(access_claims(1, t0), "not-the-servers-key"))}}).json() ==
          not_valid_for_any("Token is invalid or expired"));
    // Valid up to the second before exp.
    site.clock().advance(std::chrono::seconds(299));
    CHECK(get(access_claims(1, t0)).status() == 200);
    site.clock().advance(std::chrono::seconds(1));
    CHECK(get(access_claims(1, t0)).json() == not_valid_for_any("Token is invalid or expired"));
}

TEST_CASE("a user switched off or deleted after login loses access at the next request", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    test::client c{site};
    auto tokens = obtain(c, "carol");
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}}).status() == 200);
    set_active(db, "carol", false);
    auto off = c.get("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}});
    CHECK(off.status() == 401);
    CHECK(off.json() == boost::json::parse(R"({"detail":"User is inactive","code":"user_inactive"})"));
    set_active(db, "carol", true);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(tokens.access)}}).status() == 200);
}

TEST_CASE("the first authenticator names the challenge; a failing JWT stops the chain", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    test::client c{site};
    auto none = c.get("/api/any/profile/");
    CHECK(none.status() == 401);
    CHECK(none.header("WWW-Authenticate") == "Token");
    auto tokens = obtain(c, "alice");
    CHECK(c.get("/api/any/profile/", {{"Authorization", bearer(tokens.access)}}).json() ==
          boost::json::parse(R"({"username":"alice","email":"alice@example.com"})"));
    auto bad = c.get("/api/any/profile/", {{"Authorization", "Bearer abc.def.ghi"}});
    CHECK(bad.status() == 401);
    CHECK(bad.header("WWW-Authenticate") == "Token");
    CHECK(bad.json() == not_valid_for_any("Token is invalid or expired"));
    auto two = c.get("/api/any/profile/", {{"Authorization", "Bearer"}});
    CHECK(two.header("WWW-Authenticate") == "Token");
    CHECK(two.json().at("code") == "bad_authorization_header");
}

TEST_CASE("req.auth() carries the scheme, jti, exp and the validated claims", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto tokens = obtain(c, "bob");
    auto r = c.get("/api/whoami/", {{"Authorization", bearer(tokens.access)}});
    REQUIRE(r.status() == 200);
    auto o = r.json().as_object();
    auto payload = payload_of(tokens.access);
    CHECK(o.at("scheme") == "jwt");
    CHECK(o.at("username") == "bob");
    CHECK(o.at("is_staff") == true);
    CHECK(o.at("credential") == payload.at("jti"));
    CHECK(o.at("expires_at") == t0 + 300);
    CHECK(o.at("claims") == payload);
}

TEST_CASE("AUTH_HEADER_TYPES and AUTH_TOKEN_CLASSES shape authentication", "[jwt_auth][auth]") {
    memory_store db;
    seed(db);
    auto cfg = refsite_jwt();
    cfg.auth_header_types = {"JWT", "Bearer"};
    cfg.auth_token_types = {jwt::token_type::access, jwt::token_type::sliding};
    auto site = make_site(db, cfg);
    test::client c{site};
    auto none = c.get("/api/jwt/profile/");
    CHECK(none.header("WWW-Authenticate") == "JWT realm=\"api\"");
    auto tokens = obtain(c, "alice");
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", "JWT " + tokens.access}}).status() == 200);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", "Bearer " + tokens.access}}).status() == 200);

    auto sliding = c.post("/api/token/sliding/", credentials("alice"));
    REQUIRE(sliding.status() == 200);
    std::string st(sliding.json().at("token").as_string());
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", "JWT " + st}}).status() == 200);

    auto refresh = c.get("/api/jwt/profile/", {{"Authorization", "JWT " + tokens.refresh}});
    CHECK(refresh.status() == 401);
    CHECK(refresh.json() == boost::json::parse(R"({"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[
        {"token_class":"AccessToken","token_type":"access","message":"Token has wrong type"},
        {"token_class":"SlidingToken","token_type":"sliding","message":"Token has wrong type"}]})"));

    // Sliding tokens are checked against the blacklist, as simplejwt's BlacklistMixin does.
    std::error_code ec;
    REQUIRE(jwt::blacklist(db, payload_of(st), cfg, site.clock().now_seconds(), ec));
    REQUIRE_FALSE(ec);
    auto listed = c.get("/api/jwt/profile/", {{"Authorization", "JWT " + st}});
    CHECK(listed.json() == boost::json::parse(R"({"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[
        {"token_class":"AccessToken","token_type":"access","message":"Token has wrong type"},
        {"token_class":"SlidingToken","token_type":"sliding","message":"Token is blacklisted"}]})"));
}

TEST_CASE("the stateless variant builds the user from the claims without a store lookup", "[jwt_auth][auth][stateless]") {
    memory_store db;
    seed(db);
    auto site = make_site(db);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto claims = access_claims(99, t0);   // no such user in the store
    claims["username"] = "remote";
    claims["email"] = "remote@example.org";
    claims["is_staff"] = true;
    auto r = c.get("/api/stateless/", {{"Authorization", bearer(mint(claims))}});
    REQUIRE(r.status() == 200);
    auto o = r.json().as_object();
    CHECK(o.at("id") == 99);
    CHECK(o.at("username") == "remote");
    CHECK(o.at("email") == "remote@example.org");
    CHECK(o.at("is_staff") == true);
    CHECK(o.at("scheme") == "jwt");

    // dave is switched off in the store; the stateless variant does not look.
    CHECK(c.get("/api/stateless/", {{"Authorization", bearer(mint(access_claims(4, t0)))}}).status() == 200);
    auto bare = c.get("/api/stateless/", {{"Authorization", bearer(mint(access_claims(7, t0)))}}).json().as_object();
    CHECK(bare.at("username") == "");
    CHECK(bare.at("is_staff") == false);

    auto no_id = access_claims(1, t0);
    no_id.erase("user_id");
    auto anonymous = c.get("/api/stateless/", {{"Authorization", bearer(mint(no_id))}});
    CHECK(anonymous.status() == 401);
    CHECK(anonymous.json() ==
          boost::json::parse(R"({"detail":"Token contained no recognizable user identification","code":"token_not_valid"})"));
    CHECK(c.get("/api/stateless/", {{"Authorization", "Bearer x.y.z"}}).json() == not_valid_for_any("Token is invalid or expired"));
    CHECK(c.get("/api/stateless/").header("WWW-Authenticate") == "Bearer realm=\"api\"");
}

TEST_CASE("a route with stateless JWT authentication needs no store and never blocks", "[jwt_auth][auth][stateless]") {
    struct stateless_only : api_view<authentication<jwt::jwt_stateless_auth>, permissions<is_authenticated>> {
        response get(request& req) { return json({{"id", req.user().id}}); }
    };
    auto site = app<route<"/p/", stateless_only>>(jwt::key_service::hs256(secret));
    static_assert(!decltype(site)::traits_of<route<"/p/", stateless_only>>::blocking);
    site.clock().freeze(at(t0));
    test::client c{site};
    CHECK(c.get("/p/", {{"Authorization", bearer(mint(access_claims(5, t0)))}}).json() == boost::json::parse(R"({"id":5})"));

    sqlite_backend sql;
    auto stateful = make_site(sql.store);
    static_assert(decltype(stateful)::traits_of<route<"/api/jwt/profile/", profile_api>>::blocking);
    memory_backend mem;
    auto in_memory = make_site(mem.store);
    static_assert(!decltype(in_memory)::traits_of<route<"/api/jwt/profile/", profile_api>>::blocking);
    static_assert(decltype(in_memory)::traits_of<route<"/api/token/", jwt::token_obtain_pair>>::blocking);   // PBKDF2
    static_assert(decltype(stateful)::traits_of<route<"/api/token/verify/", jwt::token_verify>>::blocking);
    static_assert(!decltype(in_memory)::traits_of<route<"/api/token/verify/", jwt::token_verify>>::blocking);
}

TEST_CASE("keys refuse unusable keys and settings at start", "[jwt_auth][keys]") {
    CHECK_THROWS_AS(jwt::key_service::hs256("too-short"), std::system_error);
    try {
        (void)jwt::key_service::hs256("too-short");
    } catch (const std::system_error& e) {
        CHECK(e.code() == jwt::errc::key_too_short);
        CHECK(std::string(e.what()).find("too-short") == std::string::npos);   // no key material in messages
    }
    jwt::settings short_ok;
    short_ok.allow_short_hmac_key = true;
    CHECK_NOTHROW(jwt::key_service::hs256("short", short_ok));
    auto bad = [](auto change) {
        jwt::settings s;
        change(s);
        return [s] { (void)jwt::key_service::hs256(secret, s); };
    };
    CHECK_THROWS_AS(bad([](jwt::settings& s) { s.user_id_field = "email"; })(), std::invalid_argument);
    CHECK_THROWS_AS(bad([](jwt::settings& s) { s.auth_header_types.clear(); })(), std::invalid_argument);
    CHECK_THROWS_AS(bad([](jwt::settings& s) { s.auth_header_types = {"Bearer token"}; })(), std::invalid_argument);
    CHECK_THROWS_AS(bad([](jwt::settings& s) { s.auth_token_types.clear(); })(), std::invalid_argument);
    CHECK_THROWS_AS(bad([](jwt::settings& s) { s.auth_token_types = {jwt::token_type::untyped}; })(), std::invalid_argument);
    CHECK_THROWS_AS(jwt::key_service::from_files(jwt::algorithm::rs256, "/nonexistent/warden-key.pem"), std::invalid_argument);
    CHECK_THROWS_AS(jwt::key_service::from_pem(jwt::algorithm::rs256, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                    std::system_error);

    auto k = jwt::key_service::hs256(secret);
    CHECK(k.can_sign());
    CHECK(k.challenge() == "Bearer realm=\"api\"");
    CHECK(k.config().alg == jwt::algorithm::hs256);
}

TEST_CASE("a verify-only service authenticates with a JWK Set and refuses unknown kids", "[jwt_auth][keys]") {
    // Two HMAC keys as a JWK Set: tokens are routed to their key by kid.
    std::string k1 = "first-secret-0123456789abcdef0123456789", k2 = "second-secret-0123456789abcdef012345678";
    std::string jwks = std::string(R"({"keys":[{"kty":"oct","kid":"one","alg":"HS256","k":")") + crypto::base64url_encode(k1) +
                       R"("},{"kty":"oct","kid":"two","alg":"HS256","k":")" + crypto::base64url_encode(k2) + R"("}]})";
    memory_store db;
    seed(db);
    auto site = app<route<"/api/jwt/profile/", profile_api>>(db, test_settings(), jwt::key_service::from_jwks(jwks));
    site.clock().freeze(at(t0));
    test::client c{site};
    auto with_kid = [&](std::string_view key, std::string_view kid) {
        return jwt::sign_jwt(jwt::key::hmac(jwt::algorithm::hs256, key).with_kid(std::string(kid)), access_claims(1, t0));
    };
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(with_kid(k1, "one"))}}).status() == 200);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(with_kid(k2, "two"))}}).status() == 200);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(with_kid(k1, "two"))}}).status() == 401);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(with_kid(k1, "three"))}}).status() == 401);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(mint(access_claims(1, t0), k1))}}).status() == 401);   // no kid
}

TEST_CASE("rotating the signing key: a key set verifies old and new tokens by kid", "[jwt_auth][keys]") {
    std::string old_secret = "old-secret-0123456789abcdef0123456789ab", new_secret = "new-secret-0123456789abcdef0123456789ab";
    auto old_key = jwt::key::hmac(jwt::algorithm::hs256, old_secret).with_kid("2024");
    auto new_key = jwt::key::hmac(jwt::algorithm::hs256, new_secret).with_kid("2025");
    memory_store db;
    seed(db);
    auto site = app<route<"/api/token/", jwt::token_obtain_pair>, route<"/api/jwt/profile/", profile_api>>(
        db, test_settings(), jwt::key_service(refsite_jwt(), new_key, jwt::key_set{old_key, new_key}));
    site.clock().freeze(at(t0));
    test::client c{site};
    auto fresh = obtain(c, "alice");
    boost::json::object header, payload;
    REQUIRE_FALSE(jwt::decode_unverified(fresh.access, header, payload));
    CHECK(header.at("kid") == "2025");
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(fresh.access)}}).status() == 200);
    auto before = jwt::sign_jwt(old_key, access_claims(2, t0));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(before)}}).json() ==
          boost::json::parse(R"({"username":"bob","email":"bob@example.com"})"));
    auto unlabelled = mint(access_claims(2, t0), old_secret);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(unlabelled)}}).json() == not_valid_for_any("Token is invalid or expired"));
}
