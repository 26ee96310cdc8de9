// expect: warden: a view's `name` and `description` must be constants
#include <warden/app.hpp>
#include <string>
using namespace warden;
struct v : api_view<authentication<>, permissions<allow_any>> {
    static inline const std::string name = "Not a constant";
    response get(request&) { return response{http::status::ok, "{}"}; }
};
int main() {
    auto site = app<route<"/v/", v>>();
    http_request msg;
    return site.handle(msg).result_int();
}
