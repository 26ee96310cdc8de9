// expect: warden::permissions<\.\.\.> lists a type that is not a permission: a permission declares `using policy_kind = warden::permission_tag;`
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<permissions<int>> {};
v x;
