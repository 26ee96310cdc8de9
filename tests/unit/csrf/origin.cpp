#include <warden/csrf/check.hpp>

#include <catch2/catch.hpp>

using namespace warden;
using csrf::failure;

namespace {

csrf::verdict https_referer(std::string_view host, std::optional<std::string_view> referer,
                            const csrf::config& cfg = {}) {
    return csrf::check_origin_and_referer({.is_secure = true, .host = host, .referer = referer}, cfg);
}

csrf::config with_trusted(std::initializer_list<std::string_view> origins) {
    csrf::config cfg;
    cfg.trusted = csrf::trusted_origins(origins);
    return cfg;
}

} // namespace

TEST_CASE("plain HTTP without an Origin header skips the Referer checks", "[csrf][origin]") {
    CHECK(csrf::check_origin_and_referer({.is_secure = false, .host = "example.com"}, {}).ok());
    CHECK(csrf::check_origin_and_referer({.host = "example.com", .referer = "http://evil.com/"}, {}).ok());
}

TEST_CASE("HTTPS without a Referer is refused", "[csrf][origin]") {
    auto v = https_referer("example.com", std::nullopt);
    CHECK(v.code == failure::no_referer);
    CHECK(v.reason == "Referer checking failed - no Referer.");
}

TEST_CASE("HTTPS with a malformed Referer is refused", "[csrf][origin]") {
    for (std::string_view referer : {"", "not a url", "example.com/page", "//example.com/", "https://", "https:///path",
                                     "https:example.com", "https://[::1/", "https://::1]/", "https://[zz]/",
                                     "https://[127.0.0.1]/"}) {
        INFO("Referer: " << referer);
        auto v = https_referer("example.com", referer);
        CHECK(v.code == failure::malformed_referer);
        CHECK(v.reason == "Referer checking failed - Referer is malformed.");
    }
}

TEST_CASE("HTTPS with an http Referer is refused as insecure", "[csrf][origin]") {
    for (std::string_view referer : {"http://example.com/", "ftp://example.com/", "HTTP://example.com/x"}) {
        INFO("Referer: " << referer);
        auto v = https_referer("example.com", referer);
        CHECK(v.code == failure::insecure_referer);
        CHECK(v.reason == "Referer checking failed - Referer is insecure while host is secure.");
    }
}

TEST_CASE("HTTPS with a foreign Referer is refused, naming it as Python's geturl does", "[csrf][origin]") {
    auto v = https_referer("example.com", "https://evil.com/form?next=1#top");
    CHECK(v.code == failure::bad_referer);
    CHECK(v.reason == "Referer checking failed - https://evil.com/form?next=1#top does not match any trusted origins.");
    // Scheme lowercased, empty ';', '?' and '#' dropped, leading spaces and tabs removed.
    v = https_referer("example.com", "  HTTPS://ev\til.com/a;?#");
    CHECK(v.reason == "Referer checking failed - https://evil.com/a does not match any trusted origins.");
    // Lookalikes of the host.
    for (std::string_view referer : {"https://example.com.evil.com/", "https://evilexample.com/", "https://EXAMPLE.COM/",
                                     "https://user@example.com/", "https://example.com:443/"}) {
        INFO("Referer: " << referer);
        CHECK(https_referer("example.com", referer).code == failure::bad_referer);
    }
}

TEST_CASE("HTTPS with a Referer on the host, port included, is accepted", "[csrf][origin]") {
    CHECK(https_referer("example.com", "https://example.com/page").ok());
    CHECK(https_referer("example.com", "https://example.com").ok());
    CHECK(https_referer("example.com:8443", "https://example.com:8443/page?x=1").ok());
    CHECK(https_referer("[::1]:8443", "https://[::1]:8443/").ok());
    CHECK(https_referer("example.com:8443", "https://example.com/page").code == failure::bad_referer);
    CHECK(https_referer("example.com", "https://example.com:8443/page").code == failure::bad_referer);
}

TEST_CASE("a disallowed host leaves only trusted origins to match", "[csrf][origin]") {
    CHECK(https_referer("", "https://example.com/").code == failure::bad_referer);
    CHECK(https_referer("", "https://example.com/", with_trusted({"https://example.com"})).ok());
}

TEST_CASE("HTTPS with a Referer from a trusted origin is accepted", "[csrf][origin]") {
    auto cfg = with_trusted({"https://api.partner.com", "https://*.example.org"});
    CHECK(https_referer("example.com", "https://api.partner.com/x", cfg).ok());
    CHECK(https_referer("example.com", "https://partner.com/x", cfg).code == failure::bad_referer);
    CHECK(https_referer("example.com", "https://www.api.partner.com/x", cfg).code == failure::bad_referer);
    // The subdomain wildcard admits the domain itself and every subdomain.
    CHECK(https_referer("example.com", "https://example.org/", cfg).ok());
    CHECK(https_referer("example.com", "https://a.example.org/", cfg).ok());
    CHECK(https_referer("example.com", "https://a.b.example.org/", cfg).ok());
    CHECK(https_referer("example.com", "https://badexample.org/", cfg).code == failure::bad_referer);
    CHECK(https_referer("example.com", "https://example.org.evil.com/", cfg).code == failure::bad_referer);
    // Still https only.
    CHECK(https_referer("example.com", "http://a.example.org/", cfg).code == failure::insecure_referer);
}

TEST_CASE("a configured cookie domain replaces the host in the Referer check", "[csrf][origin]") {
    csrf::config cfg;
    cfg.cookie_domain = ".example.com";
    CHECK(https_referer("www.example.com", "https://api.example.com/", cfg).ok());
    CHECK(https_referer("www.example.com", "https://example.com/", cfg).ok());
    CHECK(https_referer("www.example.com", "https://example.net/", cfg).code == failure::bad_referer);
    // On a non-default port the port must appear in the Referer.
    csrf::request_facts r{.is_secure = true, .host = "www.example.com:8443", .referer = "https://api.example.com:8443/"};
    CHECK(csrf::check_origin_and_referer(r, cfg).ok());
    r.referer = "https://api.example.com/";
    CHECK(csrf::check_origin_and_referer(r, cfg).code == failure::bad_referer);
    r.server_port = "443"; // the server's own port wins over the Host's
    CHECK(csrf::check_origin_and_referer(r, cfg).ok());
}

TEST_CASE("an Origin header must be the request's own origin or trusted", "[csrf][origin]") {
    auto cfg = with_trusted({"https://api.partner.com", "https://*.example.org"});
    auto origin = [&](bool secure, std::string_view host, std::string_view o) {
        return csrf::check_origin_and_referer({.is_secure = secure, .host = host, .origin = o}, cfg);
    };
    CHECK(origin(true, "example.com", "https://example.com").ok());
    CHECK(origin(false, "example.com", "http://example.com").ok());
    CHECK(origin(true, "example.com:8443", "https://example.com:8443").ok());
    CHECK(origin(true, "example.com", "https://api.partner.com").ok());
    CHECK(origin(true, "example.com", "https://a.example.org").ok());
    CHECK(origin(true, "example.com", "https://example.org").ok());

    auto v = origin(true, "example.com", "https://evil.com");
    CHECK(v.code == failure::bad_origin);
    CHECK(v.reason == "Origin checking failed - https://evil.com does not match any trusted origins.");
    CHECK(origin(true, "example.com", "http://example.com").code == failure::bad_origin);    // scheme
    CHECK(origin(false, "example.com", "https://example.com").code == failure::bad_origin);  // scheme
    CHECK(origin(true, "example.com", "https://example.com:8443").code == failure::bad_origin);
    CHECK(origin(true, "example.com", "https://EXAMPLE.com").code == failure::bad_origin);
    CHECK(origin(true, "example.com", "null").reason ==
          "Origin checking failed - null does not match any trusted origins.");
    CHECK(origin(true, "example.com", "http://a.example.org").code == failure::bad_origin);   // wildcard scheme
    CHECK(origin(true, "example.com", "https://api.partner.com/").code == failure::bad_origin); // exact entry
    CHECK(origin(true, "example.com", "https://[::1").code == failure::bad_origin);
    CHECK(origin(true, "", "https://").code == failure::bad_origin);
}

TEST_CASE("a matching Origin replaces the Referer check; a bad one fails first", "[csrf][origin]") {
    csrf::request_facts r{.is_secure = true, .host = "example.com", .origin = "https://example.com",
                          .referer = "https://evil.com/"};
    CHECK(csrf::check_origin_and_referer(r, {}).ok());
    r.origin = "https://evil.com";
    r.referer = "https://example.com/";
    CHECK(csrf::check_origin_and_referer(r, {}).code == failure::bad_origin);
}

TEST_CASE("with the Origin check off, Origin is ignored as in Django 3.2", "[csrf][origin]") {
    csrf::config cfg;
    cfg.check_origin_header = false;
    CHECK(csrf::check_origin_and_referer({.is_secure = false, .host = "example.com", .origin = "https://evil.com"}, cfg)
              .ok());
    csrf::request_facts r{.is_secure = true, .host = "example.com", .origin = "https://example.com"};
    CHECK(csrf::check_origin_and_referer(r, cfg).code == failure::no_referer);
}

TEST_CASE("trusted origins need Django 4.0's scheme://host form", "[csrf][origin]") {
    csrf::trusted_origins t;
    CHECK(t.empty());
    CHECK(t.add("example.com") == std::errc::invalid_argument);
    CHECK(t.add(".example.com") == std::errc::invalid_argument);
    CHECK(t.add("https://[::1") == std::errc::invalid_argument);
    CHECK(t.empty());
    CHECK_FALSE(t.add("https://*.example.com"));
    CHECK_FALSE(t.add("https://api.example.net:8443"));
    CHECK_FALSE(t.empty());
    CHECK(t.admits_origin("https://www.example.com"));
    CHECK(t.admits_origin("https://api.example.net:8443"));
    CHECK_FALSE(t.admits_origin("https://api.example.net"));
    CHECK(t.admits_referer_host("api.example.net:8443"));
    CHECK_THROWS_AS(csrf::trusted_origins({"https://ok.com", "bad.com"}), std::invalid_argument);
}

TEST_CASE("check_request runs the origin checks before the token checks", "[csrf][origin]") {
    const auto cookie = csrf::new_token();
    csrf::request_facts r{.is_secure = true, .host = "example.com", .referer = "https://evil.com/"};
    CHECK(csrf::check_request(r, {}).code == failure::bad_referer);
    r.referer = "https://example.com/";
    CHECK(csrf::check_request(r, {}).code == failure::no_csrf_cookie);
    r.cookie_token = cookie;
    CHECK(csrf::check_request(r, {}).code == failure::bad_token);
    r.request_token = cookie;
    CHECK(csrf::check_request(r, {}).ok());
    // A cross-site POST over HTTP with a valid cookie but no token.
    csrf::request_facts cross{.host = "example.com", .cookie_token = cookie};
    CHECK(csrf::check_request(cross, {}).code == failure::bad_token);
}
