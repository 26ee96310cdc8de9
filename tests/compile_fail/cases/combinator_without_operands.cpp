// expect: warden::all_of<\.\.\.> and warden::any_of<\.\.\.> need at least one permission
#include <warden/permissions/combinators.hpp>
using p = warden::any_of<>;
p x;
