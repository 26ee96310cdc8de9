// expect: warden: a throttle needs a counter store the app lacks
#include <warden.hpp>
using namespace warden;
struct needs { using policy_kind = permission_tag; using requires_services = warden::services<throttle_counters_tag>;
  template <class R, class V> bool has_permission(const R&, const V&) const { return true; } };
struct v : api_view<permissions<needs>> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>>(); (void)site; }
