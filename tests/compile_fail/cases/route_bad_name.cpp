// expect: warden::route: a converter's name must be an identifier
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/<int:1x>/", v>;
constexpr auto p = r::pattern;
