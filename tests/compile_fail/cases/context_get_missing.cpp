// expect: warden: the app has no service providing this tag; pass a store or service that provides it
#include <warden.hpp>
using namespace warden;
struct my_tag {};
struct v : api_view<> { template <class Ctx> response get(request&, Ctx& c) { c.template get<my_tag>(); return {}; } };
int main() { auto site = app<route<"/v/", v>>(); http_request m; site.handle(m); }
