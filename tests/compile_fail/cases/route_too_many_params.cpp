// expect: warden::route: at most 8 converters per pattern
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/<int:a>/<int:b>/<int:c>/<int:d>/<int:e>/<int:f>/<int:g>/<int:h>/<int:i>/", v>;
constexpr auto p = r::pattern;
