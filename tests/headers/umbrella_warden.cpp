// <warden.hpp> is everything, JWT included.
#include <warden.hpp>

#include "markers.hpp"

#if !WARDEN_HAS_ASIO || !WARDEN_HAS_OPENSSL || !WARDEN_HAS_SQLITE || !WARDEN_HAS_BOOST_JSON
#error "<warden.hpp> lacks part of warden"
#endif

static_assert(sizeof(warden::jwt::key_service) > 0 && sizeof(warden::jwt::jwt_auth) > 0);
static_assert(sizeof(warden::session_auth) > 0 && sizeof(warden::token_auth) > 0 && sizeof(warden::basic_auth) > 0);
static_assert(sizeof(warden::memory_store) > 0 && sizeof(warden::sqlite_store) > 0);
