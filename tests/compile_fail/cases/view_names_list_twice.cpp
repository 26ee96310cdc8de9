// expect: warden::api_view<\.\.\.> names a kind of policy list twice
#include <warden.hpp>
using namespace warden;
struct v : api_view<permissions<allow_any>, permissions<is_authenticated>> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
