// warden/django.hpp is the Django schema mode's SQLite store and settings: no Asio
// (the server comes with warden/server.hpp or <warden.hpp>).
#include <warden/django.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/django.hpp pulled in Asio"
#endif
#if !WARDEN_HAS_SQLITE
#error "the SQLite marker no longer works"
#endif
