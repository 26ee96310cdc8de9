// expect: warden::app\(\.\.\.\) takes at most one warden::settings
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(settings{}, settings{}); (void)site; }
