// Builds a small app and answers one request in-process: warden's headers, its CMake
// target and its dependencies all resolve in a consuming project.
#include <warden.hpp>
#include <warden/test/client.hpp>

struct hello : warden::api_view<warden::permissions<warden::allow_any>> {
    warden::response get(warden::request&) { return warden::json({{"hello", "world"}}); }
};

int main() {
    auto site = warden::app<warden::route<"/hello/", hello>>();
    warden::test::client c{site};
    auto r = c.get("/hello/");
    return r.status() == 200 && r.body() == R"({"hello":"world"})" ? 0 : 1;
}
