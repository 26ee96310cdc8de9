// expect: warden::permissions<\.\.\.> lists an authenticator, throttle or parser: put authenticators in warden::authentication<\.\.\.>
#include <warden/view.hpp>
using namespace warden;
struct some_auth { using policy_kind = authenticator_tag; };
struct v : api_view<permissions<some_auth>> {};
v x;
