// expect: warden::app<\.\.\.> takes at most one warden::defaults<\.\.\.>; merge the lists into one
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response get(request&) { return {}; } };
int main() { auto site = app<defaults<>, defaults<>, route<"/v/", v>>(); (void)site; }
