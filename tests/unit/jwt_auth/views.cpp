// simplejwt's views on both stores: obtain (DRF serializer errors), refresh with
// rotation and blacklisting (frozen clock), users gone or switched off, verify,
// blacklist, sliding tokens, OPTIONS, concurrent rotation, revocation of access tokens,
// and the purge of expired entries.
#include "support.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace warden;
using namespace jwt_auth_test;

namespace {

boost::json::value bearer_401(const test::result& r) {
    CHECK(r.status() == 401);
    CHECK(r.header("WWW-Authenticate") == "Bearer realm=\"api\"");
    return r.json();
}

} // namespace

TEMPLATE_LIST_TEST_CASE("obtain pair: simplejwt's tokens, and DRF's serializer errors", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};

    auto ok = c.post("/api/token/", credentials("alice"));
    REQUIRE(ok.status() == 200);
    auto o = ok.json().as_object();
    REQUIRE(o.size() == 2);
    CHECK(ok.body().rfind("{\"refresh\":", 0) == 0);   // simplejwt's member order
    auto refresh = payload_of(o.at("refresh").as_string());
    auto access = payload_of(o.at("access").as_string());
    // simplejwt's claims, in its order.
    std::vector<std::string> names;
    for (auto& kv : refresh) names.emplace_back(kv.key());
    CHECK(names == std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id"});
    CHECK(refresh.at("token_type") == "refresh");
    CHECK(refresh.at("exp") == t0 + 86400);
    CHECK(refresh.at("iat") == t0);
    CHECK(refresh.at("user_id") == 1);
    CHECK(access.at("token_type") == "access");
    CHECK(access.at("exp") == t0 + 300);
    CHECK(access.at("iat") == t0);
    CHECK(access.at("jti") != refresh.at("jti"));
    CHECK(access.at("jti").as_string().size() == 32);

    CHECK(c.post_form("/api/token/", "username=bob&password=bob-pass").status() == 200);
    CHECK(c.post("/api/token/", R"({"username":" alice ","password":" alice-pass "})").status() == 200);   // both trimmed

    for (std::string body : {std::string(R"({"username":"alice","password":"x"})"), std::string(R"({"username":"nobody","password":"x"})"),
                             std::string(R"({"username":"dave","password":"dave-pass"})")}) {
        INFO(body);
        CHECK(bearer_401(c.post("/api/token/", body)) ==
              boost::json::parse(R"({"detail":"No active account found with the given credentials"})"));
    }
    struct bad { std::string body; std::string errors; };
    for (auto& [body, errors] : std::vector<bad>{
             {R"({"username":"alice"})", R"({"password":["This field is required."]})"},
             {R"({})", R"({"username":["This field is required."],"password":["This field is required."]})"},
             {R"({"username":"","password":""})", R"({"username":["This field may not be blank."],"password":["This field may not be blank."]})"},
             {R"({"username":"alice","password":null})", R"({"password":["This field may not be null."]})"},
             {R"({"username":["a"],"password":1})", R"({"username":["Not a valid string."]})"},
             {R"([1])", R"({"non_field_errors":["Invalid data. Expected a dictionary, but got list."]})"},
         }) {
        INFO(body);
        auto r = c.post("/api/token/", body);
        CHECK(r.status() == 400);
        CHECK_FALSE(r.has_header("WWW-Authenticate"));
        CHECK(r.json() == boost::json::parse(errors));
    }
    auto get = c.get("/api/token/");
    CHECK(get.status() == 405);
    CHECK(get.header("Allow") == "POST, OPTIONS");
}

TEMPLATE_LIST_TEST_CASE("refresh rotates and blacklists the old refresh token, with a frozen clock", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto first = obtain(c, "alice");

    site.clock().advance(std::chrono::minutes(2));
    auto r = c.post("/api/token/refresh/", R"({"refresh":")" + first.refresh + "\"}");
    REQUIRE(r.status() == 200);
    CHECK(r.body().rfind("{\"access\":", 0) == 0);
    std::string acc2(r.json().at("access").as_string()), ref2(r.json().at("refresh").as_string());
    auto old_payload = payload_of(first.refresh);
    auto a2 = payload_of(acc2), r2 = payload_of(ref2);
    CHECK(a2.at("exp") == t0 + 120 + 300);
    CHECK(a2.at("iat") == t0);                       // copied from the refresh token, as simplejwt
    CHECK(r2.at("exp") == t0 + 120 + 86400);
    CHECK(r2.at("iat") == t0 + 120);
    CHECK(r2.at("jti") != old_payload.at("jti"));
    std::vector<std::string> names;
    for (auto& kv : r2) names.emplace_back(kv.key());
    CHECK(names == std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id"});

    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + first.refresh + "\"}")) == invalid("Token is blacklisted"));
    auto verify_old = c.post("/api/token/verify/", R"({"token":")" + first.refresh + "\"}");
    CHECK(verify_old.status() == 400);
    CHECK(verify_old.json() == boost::json::parse(R"({"non_field_errors":["Token is blacklisted"]})"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(acc2)}}).status() == 200);
    // The first access token lives on until it expires (simplejwt does not track them).
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(first.access)}}).status() == 200);
    site.clock().advance(std::chrono::minutes(3));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(first.access)}}).json() ==
          not_valid_for_any("Token is invalid or expired"));
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + acc2 + "\"}")) == invalid("Token has wrong type"));
    auto form = c.post_form("/api/token/refresh/", "refresh=" + ref2);
    REQUIRE(form.status() == 200);
    std::string ref3(form.json().at("refresh").as_string());

    auto missing = c.post("/api/token/refresh/", "{}");
    CHECK(missing.status() == 400);
    CHECK(missing.json() == boost::json::parse(R"({"refresh":["This field is required."]})"));
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":"x"})")) == invalid("Token is invalid or expired"));

    // A day later the newest refresh token has expired too.
    site.clock().advance(std::chrono::hours(24));
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + ref3 + "\"}")) == invalid("Token is invalid or expired"));
}

TEMPLATE_LIST_TEST_CASE("refresh without rotation returns an access token only", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    const jwt::settings defaults;   // simplejwt's defaults: no rotation
    auto site = make_site(b.store, defaults);
    test::client c{site};
    auto first = obtain(c, "alice");
    for (int i = 0; i < 2; ++i) {
        auto r = c.post("/api/token/refresh/", R"({"refresh":")" + first.refresh + "\"}");
        REQUIRE(r.status() == 200);
        CHECK(r.json().as_object().size() == 1);
        CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(r.json().at("access").as_string())}}).status() == 200);
    }
}

TEMPLATE_LIST_TEST_CASE("refresh refuses a user who is switched off or gone (unlike simplejwt 5.2)", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto carol = obtain(c, "carol");
    set_active(b.store, "carol", false);
    const auto gone = boost::json::parse(R"({"detail":"No active account found for the given token."})");
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + carol.refresh + "\"}")) == gone);
    set_active(b.store, "carol", true);
    CHECK(c.post("/api/token/refresh/", R"({"refresh":")" + carol.refresh + "\"}").status() == 200);   // not rotated before

    auto minted = [&](boost::json::value user_id) {
        auto claims = access_claims(std::move(user_id), t0);
        claims["token_type"] = "refresh";
        claims["exp"] = t0 + 86400;
        return mint(claims);
    };
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + minted(99) + "\"}")) == gone);
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + minted(4) + "\"}")) == gone);
    CHECK(c.post("/api/token/refresh/", R"({"refresh":")" + minted(1) + "\"}").status() == 200);   // any valid signature
    auto anonymous = access_claims(1, t0);
    anonymous.erase("user_id");
    anonymous["token_type"] = "refresh";
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + mint(anonymous) + "\"}")) == gone);
    auto no_jti = access_claims(1, t0);
    no_jti.erase("jti");
    no_jti["token_type"] = "refresh";
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + mint(no_jti) + "\"}")) == invalid("Token has no id"));
}

TEMPLATE_LIST_TEST_CASE("verify accepts any valid token and reports failures as simplejwt", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto t = obtain(c, "alice");
    for (const auto& token : {t.access, t.refresh}) {
        auto r = c.post("/api/token/verify/", R"({"token":")" + token + "\"}");
        CHECK(r.status() == 200);
        CHECK(r.body() == "{}");
    }
    CHECK(c.post_form("/api/token/verify/", "token=" + t.access).status() == 200);
    CHECK(bearer_401(c.post("/api/token/verify/", R"({"token":"x"})")) == invalid("Token is invalid or expired"));
    CHECK(bearer_401(c.post("/api/token/verify/", R"({"token":")" + t.access + "x\"}")) == invalid("Token is invalid or expired"));
    auto blank = c.post("/api/token/verify/", R"({"token":""})");
    CHECK(blank.status() == 400);
    CHECK(blank.json() == boost::json::parse(R"({"token":["This field may not be blank."]})"));
    CHECK(c.post("/api/token/verify/", "{}").json() == boost::json::parse(R"({"token":["This field is required."]})"));
    auto no_jti = access_claims(1, t0);
    no_jti.erase("jti");
    CHECK(bearer_401(c.post("/api/token/verify/", R"({"token":")" + mint(no_jti) + "\"}")) == invalid("Token has no id"));
    auto no_type = access_claims(1, t0);
    no_type.erase("token_type");
    CHECK(c.post("/api/token/verify/", R"({"token":")" + mint(no_type) + "\"}").status() == 200);   // untyped
    site.clock().advance(std::chrono::minutes(5));
    CHECK(bearer_401(c.post("/api/token/verify/", R"({"token":")" + t.access + "\"}")) == invalid("Token is invalid or expired"));
}

TEMPLATE_LIST_TEST_CASE("blacklist takes refresh tokens once", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    test::client c{site};
    auto t = obtain(c, "carol");
    CHECK(bearer_401(c.post("/api/token/blacklist/", R"({"refresh":")" + t.access + "\"}")) == invalid("Token has wrong type"));
    auto ok = c.post("/api/token/blacklist/", R"({"refresh":")" + t.refresh + "\"}");
    CHECK(ok.status() == 200);
    CHECK(ok.body() == "{}");
    CHECK(bearer_401(c.post("/api/token/blacklist/", R"({"refresh":")" + t.refresh + "\"}")) == invalid("Token is blacklisted"));
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + t.refresh + "\"}")) == invalid("Token is blacklisted"));
    CHECK(c.post("/api/token/blacklist/", "{}").json() == boost::json::parse(R"({"refresh":["This field is required."]})"));
    CHECK(bearer_401(c.post("/api/token/blacklist/", R"({"refresh":"garbage"})")) == invalid("Token is invalid or expired"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(t.access)}}).status() == 200);   // access lives on
}

TEMPLATE_LIST_TEST_CASE("sliding tokens: obtain, refresh within the refresh period, then refused", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto cfg = refsite_jwt();
    cfg.sliding_token_lifetime = std::chrono::hours(2);   // longer than the refresh period, to see it end
    cfg.sliding_token_refresh_lifetime = std::chrono::hours(1);
    auto site = make_site(b.store, cfg);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto r = c.post("/api/token/sliding/", credentials("bob"));
    REQUIRE(r.status() == 200);
    std::string s1(r.json().at("token").as_string());
    auto p1 = payload_of(s1);
    std::vector<std::string> names;
    for (auto& kv : p1) names.emplace_back(kv.key());
    CHECK(names == std::vector<std::string>{"token_type", "exp", "iat", "jti", "refresh_exp", "user_id"});
    CHECK(p1.at("exp") == t0 + 7200);
    CHECK(p1.at("refresh_exp") == t0 + 3600);
    CHECK(bearer_401(c.post("/api/token/sliding/", R"({"username":"bob","password":"x"})")) ==
          boost::json::parse(R"({"detail":"No active account found with the given credentials"})"));

    site.clock().advance(std::chrono::minutes(25));
    auto r2 = c.post("/api/token/sliding/refresh/", R"({"token":")" + s1 + "\"}");
    REQUIRE(r2.status() == 200);
    std::string s2(r2.json().at("token").as_string());
    auto p2 = payload_of(s2);
    CHECK(p2.at("jti") == p1.at("jti"));
    CHECK(p2.at("exp") == t0 + 1500 + 7200);
    CHECK(p2.at("iat") == t0 + 1500);
    CHECK(p2.at("refresh_exp") == t0 + 3600);

    CHECK(bearer_401(c.post("/api/token/sliding/refresh/", R"({"token":")" + obtain(c, "bob").refresh + "\"}")) ==
          invalid("Token has wrong type"));
    site.clock().advance(std::chrono::minutes(40));   // refresh_exp passed, exp not yet
    CHECK(bearer_401(c.post("/api/token/sliding/refresh/", R"({"token":")" + s2 + "\"}")) ==
          invalid("Token 'refresh_exp' claim has expired"));
    site.clock().advance(std::chrono::minutes(-40));
    set_active(b.store, "bob", false);
    CHECK(bearer_401(c.post("/api/token/sliding/refresh/", R"({"token":")" + s2 + "\"}")) ==
          boost::json::parse(R"({"detail":"No active account found for the given token."})"));
    set_active(b.store, "bob", true);
    // Blacklisting one sliding token refuses its refreshed versions too (same jti); the
    // entry lasts until the later of exp and refresh_exp.
    std::error_code ec;
    REQUIRE(jwt::blacklist(b.store, p1, cfg, site.clock().now_seconds(), ec));
    CHECK(bearer_401(c.post("/api/token/sliding/refresh/", R"({"token":")" + s2 + "\"}")) == invalid("Token is blacklisted"));
    CHECK(jwt::record_expiry(p1, cfg) == t0 + 7200);
    CHECK(jwt::record_expiry(p2, cfg) == t0 + 1500 + 7200);
    auto shorter = p2;
    shorter["exp"] = t0 + 60;
    CHECK(jwt::record_expiry(shorter, cfg) == t0 + 3600);
}

TEMPLATE_LIST_TEST_CASE("OPTIONS describes the views as DRF's metadata does", "[jwt_auth][views]", backends) {
    TestType b;
    auto site = make_site(b.store);
    test::client c{site};
    auto r = c.options("/api/token/");
    CHECK(r.status() == 200);
    CHECK(r.json() == boost::json::parse(R"({"name":"Token Obtain Pair","description":"Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.","renders":["application/json"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],"actions":{"POST":{"username":{"type":"string","required":true,"read_only":false,"label":"Username"},"password":{"type":"string","required":true,"read_only":false,"label":"Password"}}}})"));
    CHECK(c.options("/api/token/refresh/").json().at("actions") == boost::json::parse(R"({"POST":{"refresh":{"type":"string","required":true,"read_only":false,"label":"Refresh"},"access":{"type":"string","required":false,"read_only":true,"label":"Access"}}})"));
    CHECK(c.options("/api/token/verify/").json().at("name") == "Token Verify");
    CHECK(c.options("/api/token/blacklist/").json().at("description") ==
          "Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.");
}

TEMPLATE_LIST_TEST_CASE("of concurrent refreshes of one token with rotation, exactly one succeeds", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    test::client first{site};
    auto t = obtain(first, "alice");
    std::atomic<int> ok{0}, blacklisted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            test::client c{site};
            auto r = c.post("/api/token/refresh/", R"({"refresh":")" + t.refresh + "\"}");
            if (r.status() == 200) ++ok;
            else if (r.json() == invalid("Token is blacklisted")) ++blacklisted;
        });
    for (auto& th : threads) th.join();
    CHECK(ok == 1);
    CHECK(blacklisted == 7);
}

TEMPLATE_LIST_TEST_CASE("access tokens can be revoked by jti until they expire, then purged", "[jwt_auth][views][revocation]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto t = obtain(c, "alice");
    const auto& k = site.context().template get<jwt_keys_tag>();
    CHECK(c.get("/api/revocable/", {{"Authorization", bearer(t.access)}}).status() == 200);
    REQUIRE_FALSE(jwt::revoke(b.store, t.access, k, site.clock().now()));
    REQUIRE_FALSE(jwt::revoke(b.store, t.access, k, site.clock().now()));   // idempotent
    CHECK(jwt::revoke(b.store, "garbage", k, site.clock().now()) == jwt::errc::bad_format);

    auto refused = c.get("/api/revocable/", {{"Authorization", bearer(t.access)}});
    CHECK(refused.status() == 401);
    CHECK(refused.json() == not_valid_for_any("Token is blacklisted"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(t.access)}}).status() == 200);   // simplejwt's authenticator
    CHECK(c.post("/api/token/verify/", R"({"token":")" + t.access + "\"}").json() ==
          boost::json::parse(R"({"non_field_errors":["Token is blacklisted"]})"));
    auto other = obtain(c, "alice");
    CHECK(c.get("/api/revocable/", {{"Authorization", bearer(other.access)}}).status() == 200);

    // Nothing is purged while the token could still be presented...
    std::error_code ec;
    CHECK(jwt::purge_expired(b.store, k.config(), site.clock().now_seconds(), ec) == 0);
    CHECK(b.store.is_blacklisted(std::string(payload_of(t.access).at("jti").as_string())));
    // ...then the access entry (5 minutes) goes; the refresh tokens' outstanding entries stay a day.
    site.clock().advance(std::chrono::minutes(5));
    CHECK(jwt::purge_expired(b.store, k.config(), site.clock().now_seconds(), ec) == 1);
    CHECK_FALSE(b.store.is_blacklisted(std::string(payload_of(t.access).at("jti").as_string())));
    site.clock().advance(std::chrono::hours(24));
    CHECK(jwt::purge_expired(b.store, k.config(), site.clock().now_seconds(), ec) == 2);
    CHECK(jwt::revoke(b.store, t.access, k, site.clock().now()) == jwt::errc::expired);   // nothing left to revoke
}

TEMPLATE_LIST_TEST_CASE("purge keeps entries a verifier with leeway still accepts", "[jwt_auth][views][revocation]", backends) {
    TestType b;
    seed(b.store);
    auto cfg = refsite_jwt();
    cfg.leeway = std::chrono::seconds(30);
    auto site = make_site(b.store, cfg);
    site.clock().freeze(at(t0));
    test::client c{site};
    auto t = obtain(c, "carol");
    REQUIRE(c.post("/api/token/blacklist/", R"({"refresh":")" + t.refresh + "\"}").status() == 200);
    site.clock().advance(std::chrono::seconds(86400 + 10));   // expired, within the leeway
    std::error_code ec;
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + t.refresh + "\"}")) == invalid("Token is blacklisted"));
    CHECK(jwt::purge_expired(b.store, cfg, site.clock().now_seconds(), ec) == 0);
    site.clock().advance(std::chrono::seconds(30));
    CHECK(jwt::purge_expired(b.store, cfg, site.clock().now_seconds(), ec) == 2);   // outstanding + blacklisted
    CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + t.refresh + "\"}")) == invalid("Token is invalid or expired"));
}

TEMPLATE_LIST_TEST_CASE("blacklist_user ends every refresh token of a user, rotated ones included", "[jwt_auth][views][revocation]", backends) {
    TestType b;
    seed(b.store);
    auto site = make_site(b.store);
    test::client c{site};
    auto one = obtain(c, "alice"), two = obtain(c, "alice"), bob = obtain(c, "bob");
    auto rotated = c.post("/api/token/refresh/", R"({"refresh":")" + two.refresh + "\"}");
    REQUIRE(rotated.status() == 200);
    std::string three(rotated.json().at("refresh").as_string());
    std::error_code ec;
    CHECK(jwt::blacklist_user(b.store, 1, site.clock().now_seconds(), ec) == 2);   // one, three (two already blacklisted)
    for (const auto& r : {one.refresh, two.refresh, three})
        CHECK(bearer_401(c.post("/api/token/refresh/", R"({"refresh":")" + r + "\"}")) == invalid("Token is blacklisted"));
    CHECK(c.post("/api/token/refresh/", R"({"refresh":")" + bob.refresh + "\"}").status() == 200);
}

TEMPLATE_LIST_TEST_CASE("UPDATE_LAST_LOGIN records the login time", "[jwt_auth][views]", backends) {
    TestType b;
    seed(b.store);
    auto cfg = refsite_jwt();
    cfg.update_last_login = true;
    auto site = make_site(b.store, cfg);
    site.clock().freeze(at(t0));
    test::client c{site};
    CHECK(b.store.find_user_by_username("alice")->last_login == 0);
    obtain(c, "alice");
    CHECK(b.store.find_user_by_username("alice")->last_login == t0);
}
