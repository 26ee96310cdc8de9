// expect: warden.s permission combinators \(all_of, any_of, not_, with_message, as_not_found\) take permissions only
#include <warden/permissions/builtin.hpp>
#include <warden/permissions/combinators.hpp>
struct not_a_permission {};
using p = warden::all_of<warden::is_authenticated, not_a_permission>;
p x;
