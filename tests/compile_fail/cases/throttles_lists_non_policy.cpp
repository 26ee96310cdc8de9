// expect: warden::throttles<\.\.\.> lists a type that is not a throttle: a throttle declares `using policy_kind = warden::throttle_tag;`
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<throttles<double>> {};
v x;
