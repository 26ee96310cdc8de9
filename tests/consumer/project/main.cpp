// Builds a small app, answers one request in-process and starts and stops a server on
// it: warden's headers, its CMake target, its build helpers (the server compiled
// separately, the headers precompiled) and its dependencies all resolve in a consuming
// project.
#include <warden.hpp>
#include <warden/test/client.hpp>

struct hello : warden::api_view<warden::permissions<warden::allow_any>> {
    warden::response get(warden::request&) { return warden::json({{"hello", "world"}}); }
};

int main() {
    auto site = warden::app<warden::route<"/hello/", hello>>();
    warden::test::client c{site};
    auto r = c.get("/hello/");
    if (r.status() != 200 || r.body() != R"({"hello":"world"})") return 1;
    warden::server srv{site, {.address = "127.0.0.1", .port = 0, .threads = 1}, warden::no_log{}};
    srv.start();
    bool listening = srv.port() != 0;
    srv.stop();
    srv.wait();
    return listening ? 0 : 1;
}
