// warden/server.hpp is the server alone: no SQLite, no Boost.JSON.
#include <warden/server.hpp>

#include "markers.hpp"

#if WARDEN_HAS_SQLITE
#error "warden/server.hpp pulled in SQLite"
#endif
#if WARDEN_HAS_BOOST_JSON
#error "warden/server.hpp pulled in Boost.JSON"
#endif
#if !WARDEN_HAS_ASIO || !WARDEN_HAS_OPENSSL
#error "the Asio or OpenSSL marker no longer works: the server uses both"
#endif
