// expect: warden::app<\.\.\.> takes warden::route<"/pattern/", View> and at most one warden::defaults<\.\.\.>
#include <warden.hpp>
using namespace warden;
struct v : api_view<> { response get(request&) { return {}; } };
int main() { auto site = app<route<"/v/", v>, v>(); (void)site; }
