// expect: warden::route: a converter needs a type and a name
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/<id>/", v>;
constexpr auto p = r::pattern;
