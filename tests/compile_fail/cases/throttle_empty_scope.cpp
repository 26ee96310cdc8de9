// expect: warden: a throttle scope must not be empty
#include <warden/throttle/builtin.hpp>
warden::basic_anon_rate<"", "5/m"> t;
