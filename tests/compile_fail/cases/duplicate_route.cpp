// expect: warden::app: two routes have the same pattern; each pattern may appear once
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>, route<"/w/", v>, route<"/v/", v>>(); (void)site; }
