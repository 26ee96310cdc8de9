// expect: warden::route: unknown converter; use int, str, slug, uuid or path
#include <warden/app/route.hpp>
struct v {};
using r = warden::route<"/<float:x>/", v>;
constexpr auto p = r::pattern;
