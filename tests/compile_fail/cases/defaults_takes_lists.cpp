// expect: warden::defaults<\.\.\.> takes policy lists only
#include <warden/permissions/builtin.hpp>
#include <warden/view/api_view.hpp>
using namespace warden;
defaults<is_authenticated> d;
