#include <warden/csrf/check.hpp>

#include <support/shared_data.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace warden;

namespace {

// "16*a" -> 16 'a's; "64*\"*\"" -> 64 '*'s: the keys of the vectors' bad_tokens.
std::string expand(std::string_view spec) {
    auto star = spec.find('*');
    int n = std::stoi(std::string(spec.substr(0, star)));
    auto ch = spec.substr(star + 1);
    if (ch.size() == 3 && ch.front() == '"') ch = ch.substr(1, 1);
    REQUIRE(ch.size() == 1);
    return std::string(static_cast<std::size_t>(n), ch.front());
}

// n copies of c followed by tail. (Built by append: GCC 12 at -O3 warns falsely on
// `std::string(n, c) + "x"`.)
std::string text(std::size_t n, char c, std::string_view tail = {}) {
    std::string s(n, c);
    s.append(tail);
    return s;
}

std::optional<boost::json::object> django_csrf_vectors() {
    auto doc = warden_test::shared_json("vectors/rfc_and_django_vectors.json");
    if (!doc) return std::nullopt;
    return doc->at("django_csrf").as_object();
}

} // namespace

TEST_CASE("Django's masked tokens of TEST_SECRET unmask to it and re-mask to themselves", "[csrf][token]") {
    auto v = django_csrf_vectors();
    if (!v) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/rfc_and_django_vectors.json is absent");
        return;
    }
    const std::string secret(v->at("TEST_SECRET").as_string());
    REQUIRE(csrf::is_valid_secret(secret));
    const auto& masked = v->at("masked_of_TEST_SECRET").as_array();
    REQUIRE(masked.size() >= 2);
    for (const auto& m : masked) {
        const std::string token(m.as_string());
        INFO(token);
        CHECK(csrf::unmask_token(token) == secret);
        CHECK(csrf::mask_secret(secret, token.substr(0, 32)) == token);
        CHECK(csrf::tokens_match(token, secret));
        CHECK(csrf::tokens_match(secret, token));
        CHECK(csrf::classify_token(token) == csrf::token_format::masked);
    }
    CHECK(csrf::tokens_match(masked[0].as_string(), masked[1].as_string()));
}

TEST_CASE("Django's unmask cases give their secrets", "[csrf][token]") {
    auto v = django_csrf_vectors();
    if (!v) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/rfc_and_django_vectors.json is absent");
        return;
    }
    const auto& cases = v->at("unmask_cases").as_array();
    REQUIRE(cases.size() >= 6);
    for (const auto& c : cases) {
        const std::string secret(c.as_array().at(0).as_string());
        const std::string token(c.as_array().at(1).as_string());
        INFO(secret << " <- " << token);
        CHECK(csrf::unmask_token(token) == secret);
        CHECK(csrf::tokens_match(token, secret));
        CHECK(csrf::mask_secret(secret, token.substr(0, 32)) == token);
    }
}

TEST_CASE("Django's bad tokens are refused for the reason the vectors give", "[csrf][token]") {
    auto v = django_csrf_vectors();
    if (!v) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/rfc_and_django_vectors.json is absent");
        return;
    }
    const std::string cookie = csrf::mask_secret(std::string(v->at("TEST_SECRET").as_string()));
    const auto& bad = v->at("bad_tokens").as_object();
    REQUIRE(bad.size() >= 3);
    for (const auto& [spec, expected] : bad) {
        const std::string token = expand(spec);
        const std::string why(expected.as_string());
        INFO(spec << " -> " << why);
        const auto format = csrf::classify_token(token);
        if (why == "incorrect") {
            CHECK(csrf::describe(format).empty()); // well-formed, just not this secret
        } else {
            CHECK(csrf::describe(format) == why);
            CHECK_FALSE(csrf::sanitize_token(token).has_value());
        }
        auto verdict = csrf::check_token({.cookie_token = cookie, .request_token = token});
        CHECK(verdict.code == csrf::failure::bad_token);
        CHECK(verdict.reason == "CSRF token missing or incorrect.");
    }
}

TEST_CASE("new secrets and tokens are random, well-formed and consistent", "[csrf][token]") {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto s = csrf::new_secret();
        CHECK(csrf::is_valid_secret(s));
        seen.insert(s);
        auto t = csrf::new_token();
        CHECK(csrf::is_valid_token(t));
        CHECK(csrf::is_valid_secret(csrf::unmask_token(t)));
    }
    CHECK(seen.size() == 100);
    std::string s, t;
    REQUIRE_FALSE(csrf::new_secret(s));
    REQUIRE_FALSE(csrf::new_token(t));
    CHECK(csrf::is_valid_secret(s));
    CHECK(csrf::is_valid_token(t));
}

TEST_CASE("masking the same secret twice gives different tokens of that secret", "[csrf][token]") {
    const auto secret = csrf::new_secret();
    const auto a = csrf::mask_secret(secret);
    const auto b = csrf::mask_secret(secret);
    CHECK(a != b);
    CHECK(csrf::unmask_token(a) == secret);
    CHECK(csrf::unmask_token(b) == secret);
    CHECK(csrf::tokens_match(a, b));
    // The cipher half alone does not reveal the secret.
    CHECK(a.substr(32) != secret);
}

TEST_CASE("mask and unmask refuse malformed input with an empty result", "[csrf][token]") {
    const std::string good(32, 'a');
    CHECK(csrf::mask_secret(std::string(31, 'a')).empty());
    CHECK(csrf::mask_secret(text(31, 'a', "-")).empty());
    CHECK(csrf::mask_secret(good, std::string(31, 'a')).empty());
    CHECK(csrf::mask_secret(good, text(31, 'a', "_")).empty());
    CHECK(csrf::unmask_token(std::string(63, 'a')).empty());
    CHECK(csrf::unmask_token(text(63, 'a', "!")).empty());
    CHECK(csrf::unmask_token(good).empty());
}

TEST_CASE("sanitize_token keeps tokens, masks secrets and refuses the rest", "[csrf][token]") {
    const auto token = csrf::new_token();
    CHECK(csrf::sanitize_token(token) == token);
    const auto secret = csrf::new_secret();
    auto masked = csrf::sanitize_token(secret);
    REQUIRE(masked);
    CHECK(masked->size() == 64);
    CHECK(csrf::unmask_token(*masked) == secret);
    for (std::string bad : {std::string{}, text(16, 'a'), text(33, 'a'), text(63, 'a'), text(65, 'a'),
                            text(31, 'a', " "), text(63, 'a', "\xc3"), text(31, 'a', std::string_view("\0", 1))}) {
        INFO("size " << bad.size());
        CHECK_FALSE(csrf::sanitize_token(bad));
    }
}

TEST_CASE("tokens_match compares masked and unmasked forms by their secret", "[csrf][token]") {
    const auto secret = csrf::new_secret();
    const auto other = csrf::new_secret();
    const auto t1 = csrf::mask_secret(secret);
    const auto t2 = csrf::mask_secret(secret);
    CHECK(csrf::tokens_match(t1, t2));
    CHECK(csrf::tokens_match(t1, secret));
    CHECK(csrf::tokens_match(secret, t2));
    CHECK(csrf::tokens_match(secret, secret));
    CHECK_FALSE(csrf::tokens_match(csrf::mask_secret(other), t1));
    CHECK_FALSE(csrf::tokens_match(other, t1));
    CHECK_FALSE(csrf::tokens_match("", t1));
    CHECK_FALSE(csrf::tokens_match(t1, ""));
    CHECK_FALSE(csrf::tokens_match("", ""));
    CHECK_FALSE(csrf::tokens_match(t1.substr(0, 63), t1));
    CHECK_FALSE(csrf::tokens_match(t1 + "a", t1));
    CHECK_FALSE(csrf::tokens_match(t1.substr(0, 63) + "*", t1));
    // A wrong token whose first half equals the cookie's mask still fails.
    CHECK_FALSE(csrf::tokens_match(t1.substr(0, 32) + csrf::mask_secret(other).substr(32), t1));
}

TEST_CASE("check_token needs a cookie, then a matching token", "[csrf][token]") {
    const auto cookie = csrf::new_token();
    auto v = csrf::check_token({.request_token = cookie});
    CHECK(v.code == csrf::failure::no_csrf_cookie);
    CHECK(v.reason == "CSRF cookie not set.");
    v = csrf::check_token({.cookie_token = cookie, .request_token = ""});
    CHECK(v.code == csrf::failure::bad_token);
    CHECK(v.reason == "CSRF token missing or incorrect.");
    v = csrf::check_token({.cookie_token = cookie, .request_token = csrf::mask_secret(csrf::unmask_token(cookie))});
    CHECK(v.ok());
    CHECK(v.reason.empty());
    // A malformed cookie cannot match anything, not even itself.
    v = csrf::check_token({.cookie_token = "not-a-token", .request_token = "not-a-token"});
    CHECK(v.code == csrf::failure::bad_token);
    // The conformance suite's wrong value.
    v = csrf::check_token({.cookie_token = cookie, .request_token = "wrongwrongwrongwrongwrongwrongwr"});
    CHECK(v.code == csrf::failure::bad_token);
}

TEST_CASE("only GET, HEAD, OPTIONS and TRACE are safe methods", "[csrf][token]") {
    for (auto m : {"GET", "HEAD", "OPTIONS", "TRACE"}) CHECK(csrf::is_safe_method(m));
    for (auto m : {"POST", "PUT", "PATCH", "DELETE", "get", "CONNECT", ""}) CHECK_FALSE(csrf::is_safe_method(m));
}

TEST_CASE("the reason strings are Django's, and DRF's prefix is exact", "[csrf][token]") {
    CHECK(csrf::reason_no_referer == "Referer checking failed - no Referer.");
    CHECK(csrf::reason_bad_referer == "Referer checking failed - %s does not match any trusted origins.");
    CHECK(csrf::reason_no_csrf_cookie == "CSRF cookie not set.");
    CHECK(csrf::reason_bad_token == "CSRF token missing or incorrect.");
    CHECK(csrf::reason_malformed_referer == "Referer checking failed - Referer is malformed.");
    CHECK(csrf::reason_insecure_referer == "Referer checking failed - Referer is insecure while host is secure.");
    CHECK(csrf::reason_bad_origin == "Origin checking failed - %s does not match any trusted origins.");
    CHECK(csrf::drf_reason_prefix == "CSRF Failed: ");
}
