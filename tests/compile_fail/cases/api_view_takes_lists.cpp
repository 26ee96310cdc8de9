// expect: warden::api_view<\.\.\.> takes policy lists only: wrap policies in warden::authentication<\.\.\.>
#include <warden/view.hpp>
using namespace warden;
struct v : api_view<is_authenticated> {};
v x;
