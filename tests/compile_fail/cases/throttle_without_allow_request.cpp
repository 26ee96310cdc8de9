// expect: warden: a throttle must define `throttle_result allow_request\(request&, const View&, Ctx&\) const`
#include <warden.hpp>
using namespace warden;
struct bad_throttle { using policy_kind = throttle_tag; };
struct v : api_view<throttles<bad_throttle>> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
