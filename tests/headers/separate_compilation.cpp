// With WARDEN_SEPARATE_COMPILATION the server is only declared: <warden.hpp>, which
// includes warden/server.hpp and serve(), pulls in none of Asio's I/O objects (the
// connection loop is compiled in the one file that includes warden/src.hpp).
#include <warden.hpp>

#include "markers.hpp"

#if !defined(WARDEN_SEPARATE_COMPILATION)
#error "compile this check with WARDEN_SEPARATE_COMPILATION"
#endif
#if WARDEN_HAS_ASIO
#error "with WARDEN_SEPARATE_COMPILATION, <warden.hpp> pulled in Asio's I/O objects"
#endif
