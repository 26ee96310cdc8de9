// warden/redis.hpp is the Redis store alone: no Asio, no Boost.JSON, no SQLite.
#include <warden/redis.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/redis.hpp pulled in Asio"
#endif
#if WARDEN_HAS_BOOST_JSON
#error "warden/redis.hpp pulled in Boost.JSON"
#endif
#if WARDEN_HAS_SQLITE
#error "warden/redis.hpp pulled in SQLite"
#endif
