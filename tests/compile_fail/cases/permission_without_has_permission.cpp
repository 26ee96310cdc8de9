// expect: warden: a permission must define `bool has_permission\(const request&, const View&\) const`
#include <warden.hpp>
using namespace warden;
struct bad_perm { using policy_kind = permission_tag; };
struct v : api_view<permissions<bad_perm>> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
