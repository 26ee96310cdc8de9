// expect: warden::throttles<\.\.\.> lists an authenticator, permission or parser: put each policy in its own list
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<throttles<allow_any>> {};
v x;
