/// @file
/// The Redis throttle counter store, `warden::redis_store` (link `warden::redis`, which
/// brings hiredis), with the store concepts, records and error codes.
///
/// @code
/// #include <warden/redis.hpp>
/// warden::redis_store counters{"redis://127.0.0.1:6379/0"};
/// @endcode
#ifndef WARDEN_REDIS_UMBRELLA_HPP
#define WARDEN_REDIS_UMBRELLA_HPP

#include <warden/store/concepts.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>
#include <warden/store/redis_store.hpp>

#endif
