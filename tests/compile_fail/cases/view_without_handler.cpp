// expect: warden: a routed view defines no handler; add a member such as `warden::response get\(warden::request&\)`
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response fetch(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
