// expect: a routed view must derive from warden::api_view<\.\.\.>
#include <warden.hpp>
using namespace warden;
struct v { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
