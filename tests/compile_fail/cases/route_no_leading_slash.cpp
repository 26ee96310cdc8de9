// expect: warden::route: a pattern must start with '/'
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"api/", v>;
constexpr auto p = r::pattern;
