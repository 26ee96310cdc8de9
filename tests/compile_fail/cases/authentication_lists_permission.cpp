// expect: warden::authentication<\.\.\.> lists a permission, throttle or parser: put permissions in warden::permissions<\.\.\.>
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<authentication<is_authenticated>> {};
v x;
