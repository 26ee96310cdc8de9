// expect: warden::route: two converters in one pattern have the same name
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/<int:a>/<str:a>/", v>;
constexpr auto p = r::pattern;
