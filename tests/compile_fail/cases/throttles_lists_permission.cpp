// expect: warden::throttles<\.\.\.> lists an authenticator, permission or parser: put each policy in its own list
#include <warden/permissions/builtin.hpp>
#include <warden/view/api_view.hpp>
using namespace warden;
struct v : api_view<throttles<allow_any>> {};
v x;
