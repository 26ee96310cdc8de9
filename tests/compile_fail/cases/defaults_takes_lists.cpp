// expect: warden::defaults<\.\.\.> takes policy lists only
#include <warden/view.hpp>
using namespace warden;
defaults<is_authenticated> d;
