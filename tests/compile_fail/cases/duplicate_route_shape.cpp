// expect: warden::app: two routes have patterns that match the same paths \(they differ only in converter names\)
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/u/<int:id>/", v>, route<"/u/<int:pk>/", v>>(); (void)site; }
