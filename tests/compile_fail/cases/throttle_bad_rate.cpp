// expect: warden: a throttle rate must be "N/s", "N/m", "N/h" or "N/d" with N a whole number
#include <warden/throttle/builtin.hpp>
warden::anon_rate<"5/fortnight"> t;
