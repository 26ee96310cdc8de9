// warden/sqlite.hpp is the SQLite store alone: no Asio, no Boost.JSON.
#include <warden/sqlite.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/sqlite.hpp pulled in Asio"
#endif
#if WARDEN_HAS_BOOST_JSON
#error "warden/sqlite.hpp pulled in Boost.JSON"
#endif
#if !WARDEN_HAS_SQLITE
#error "the SQLite marker no longer works"
#endif
