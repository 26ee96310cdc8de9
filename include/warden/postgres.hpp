/// @file
/// The PostgreSQL store, `warden::postgres_store` (link `warden::postgres`, which
/// brings libpq), with the store concepts, records and error codes.
///
/// @code
/// #include <warden/postgres.hpp>
/// warden::postgres_store db{"postgresql://warden@127.0.0.1:5432/warden"};
/// @endcode
#ifndef WARDEN_POSTGRES_UMBRELLA_HPP
#define WARDEN_POSTGRES_UMBRELLA_HPP

#include <warden/store/concepts.hpp>
#include <warden/store/error.hpp>
#include <warden/store/postgres_store.hpp>
#include <warden/store/records.hpp>

#endif
