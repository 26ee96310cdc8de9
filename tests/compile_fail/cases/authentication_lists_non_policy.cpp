// expect: warden::authentication<\.\.\.> lists a type that is not an authenticator: an authenticator declares `using policy_kind = warden::authenticator_tag;`
#include <warden/view.hpp>
using namespace warden;
struct not_a_policy {};
struct v : api_view<authentication<not_a_policy>> {};
v x;
