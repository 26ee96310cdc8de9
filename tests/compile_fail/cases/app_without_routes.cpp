// expect: warden::app<\.\.\.> needs at least one warden::route
#include <warden.hpp>
using namespace warden;
int main() { auto site = app<>(); (void)site; }
