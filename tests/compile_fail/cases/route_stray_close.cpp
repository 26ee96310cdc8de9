// expect: warden::route: a '>' in the pattern has no matching '<'
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/a>/", v>;
constexpr auto p = r::pattern;
