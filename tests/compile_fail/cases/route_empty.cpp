// expect: warden::route: the pattern is empty
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"", v>;
constexpr auto p = r::pattern;
