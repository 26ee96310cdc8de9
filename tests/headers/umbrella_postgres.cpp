// warden/postgres.hpp is the PostgreSQL store alone: no Asio, no Boost.JSON, no SQLite.
#include <warden/postgres.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/postgres.hpp pulled in Asio"
#endif
#if WARDEN_HAS_BOOST_JSON
#error "warden/postgres.hpp pulled in Boost.JSON"
#endif
#if WARDEN_HAS_SQLITE
#error "warden/postgres.hpp pulled in SQLite"
#endif
