// expect: warden::authentication<\.\.\.> lists a permission, throttle or parser: put permissions in warden::permissions<\.\.\.>
#include <warden/permissions/builtin.hpp>
#include <warden/view/api_view.hpp>
using namespace warden;
struct v : api_view<authentication<is_authenticated>> {};
v x;
