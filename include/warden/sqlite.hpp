/// @file
/// The SQLite store, `warden::sqlite_store`: users, tokens, sessions, throttle counters
/// and the JWT blacklist in one database file, with the store concepts, records and
/// error codes.
///
/// @code
/// #include <warden/sqlite.hpp>
/// warden::sqlite_store db{"warden.db"};
/// @endcode
#ifndef WARDEN_SQLITE_UMBRELLA_HPP
#define WARDEN_SQLITE_UMBRELLA_HPP

#include <warden/store/concepts.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>
#include <warden/store/sqlite_store.hpp>

#endif
