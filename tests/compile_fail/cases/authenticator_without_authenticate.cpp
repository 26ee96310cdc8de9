// expect: warden: an authenticator must define `auth_result authenticate\(request&, Ctx&\) const`
#include <warden.hpp>
using namespace warden;
struct bad_auth { using policy_kind = authenticator_tag; };
struct v : api_view<authentication<bad_auth>> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
