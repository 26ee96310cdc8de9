// settings.allowed_hosts (Django's ALLOWED_HOSTS): the Host match itself, and the app's
// 400 for a request to a host it does not serve, before any view runs.
#include <warden/app/app.hpp>
#include <warden/core/host.hpp>
#include <warden/core/json.hpp>
#include <warden/test/client.hpp>
#include <warden/view/api_view.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

#include <string>
#include <vector>

using namespace warden;

namespace {

int served = 0;

struct hello : api_view<authentication<>, permissions<>> {
    response get(request&) {
        ++served;
        return json({{"ok", true}});
    }
};

auto make_site(std::vector<std::string> hosts) {
    settings s;
    s.allowed_hosts = std::move(hosts);
    return app<route<"/hello/", hello>>(std::move(s));
}

} // namespace

TEST_CASE("host_allowed matches Django's validate_host after get_host", "[app][hosts]") {
    const std::vector<std::string> allowed{".example.com", "api.example.org", "127.0.0.1", "[::1]"};
    CHECK(host_allowed("example.com", allowed));
    CHECK(host_allowed("www.Example.COM:8443", allowed));
    CHECK(host_allowed("a.b.example.com.", allowed));
    CHECK(host_allowed("API.example.org", allowed));
    CHECK(host_allowed("127.0.0.1:8000", allowed));
    CHECK(host_allowed("[::1]:8000", allowed));
    CHECK_FALSE(host_allowed("example.org", allowed));
    CHECK_FALSE(host_allowed("www.api.example.org", allowed));
    CHECK_FALSE(host_allowed("evilexample.com", allowed));
    CHECK_FALSE(host_allowed("example.com.evil.net", allowed));
    CHECK_FALSE(host_allowed("127.0.0.2", allowed));
    CHECK_FALSE(host_allowed("[::2]", allowed));
    CHECK_FALSE(host_allowed("", allowed));
    CHECK_FALSE(host_allowed("exa mple.com", allowed));        // malformed: never allowed
    CHECK_FALSE(host_allowed("user@example.com", allowed));
    CHECK_FALSE(host_allowed("example.com:80a", allowed));
    CHECK_FALSE(host_allowed(std::string(300, 'a') + ".example.com", allowed));
    const std::vector<std::string> any{"*"};
    CHECK(host_allowed("anything.test:1", any));
    CHECK_FALSE(host_allowed("bad host", any));
}

TEST_CASE("by default only this machine's names are served; others get 400 before any view", "[app][hosts]") {
    auto site = app<route<"/hello/", hello>>();
    CHECK(site.settings().allowed_hosts == std::vector<std::string>{".localhost", "127.0.0.1", "[::1]"});
    test::client c{site};
    served = 0;
    for (std::string host : {"localhost", "localhost:8000", "api.localhost", "127.0.0.1:8000", "[::1]"}) {
        INFO(host);
        CHECK(c.get("/hello/", {{"Host", host}}).status() == 200);
    }
    CHECK(served == 5);
    for (std::string host : {"evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "bad host", "[::1"}) {
        INFO(host);
        auto r = c.get("/hello/", {{"Host", host}});
        CHECK(r.status() == 400);
        CHECK(r.detail() == "Invalid Host header.");
        CHECK(r.header("Content-Type") == "application/json");
    }
    CHECK(c.get("/nowhere/", {{"Host", "evil.example"}}).status() == 400);   // before routing too
    CHECK(served == 5);
}

TEST_CASE("allowed_hosts names the site's hosts; \"*\" serves any well-formed one", "[app][hosts]") {
    auto site = make_site({".example.com"});
    test::client c{site};
    CHECK(c.get("/hello/", {{"Host", "shop.example.com"}}).status() == 200);
    CHECK(c.get("/hello/", {{"Host", "localhost"}}).status() == 400);
    auto open = make_site({"*"});
    test::client o{open};
    CHECK(o.get("/hello/", {{"Host", "anything.example"}}).status() == 200);
    CHECK(o.get("/hello/", {{"Host", "bad host"}}).status() == 200);   // "*" is no check at all, as Django's
}

TEST_CASE("WARDEN_ALLOWED_HOSTS and WARDEN_SECURE_PROXY_SSL_HEADER are read by settings::from_env", "[app][hosts][settings]") {
    ::setenv("WARDEN_ALLOWED_HOSTS", " .example.com, api.test ,,", 1);
    ::setenv("WARDEN_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto=https", 1);
    auto s = settings::from_env();
    CHECK(s.allowed_hosts == std::vector<std::string>{".example.com", "api.test"});
    CHECK(s.secure_proxy_ssl_header.name == "X-Forwarded-Proto");
    CHECK(s.secure_proxy_ssl_header.value == "https");
    ::setenv("WARDEN_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", 1);
    CHECK_THROWS_WITH(settings::from_env(), Catch::Contains("expected Header=value"));
    ::unsetenv("WARDEN_ALLOWED_HOSTS");
    ::unsetenv("WARDEN_SECURE_PROXY_SSL_HEADER");
    CHECK(settings::from_env().allowed_hosts == settings{}.allowed_hosts);
}
