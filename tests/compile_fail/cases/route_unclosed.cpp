// expect: warden::route: a '<' in the pattern is not closed by '>'
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/a/<int:id/", v>;
constexpr auto p = r::pattern;
