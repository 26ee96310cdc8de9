// warden/app.hpp has the app and everything of warden/view.hpp, without Asio or SQLite.
#include <warden/app.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/app.hpp pulled in Asio (io_context or sockets): the server belongs to warden/server.hpp"
#endif
#if WARDEN_HAS_SQLITE
#error "warden/app.hpp pulled in SQLite: the SQLite store belongs to warden/sqlite.hpp"
#endif
#if !WARDEN_HAS_BOOST_JSON
#error "the Boost.JSON marker no longer works: warden/app.hpp's body parsers use Boost.JSON"
#endif
