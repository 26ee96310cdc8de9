// warden/view.hpp stays light: declaring views and policies pulls in no Asio (beyond the
// buffer types Beast's messages use), no OpenSSL, no SQLite and no Boost.JSON.
#include <warden/view.hpp>

#include "markers.hpp"

#if WARDEN_HAS_ASIO
#error "warden/view.hpp pulled in Asio (io_context or sockets)"
#endif
#if WARDEN_HAS_OPENSSL
#error "warden/view.hpp pulled in OpenSSL"
#endif
#if WARDEN_HAS_SQLITE
#error "warden/view.hpp pulled in SQLite"
#endif
#if WARDEN_HAS_BOOST_JSON
#error "warden/view.hpp pulled in Boost.JSON"
#endif

namespace {
struct light_view : warden::api_view<warden::permissions<warden::is_authenticated>,
                                     warden::throttles<warden::user_rate<"10/minute">>> {
    warden::response get(warden::request&) { return warden::json({{"ok", true}}); }
};
static_assert(warden::view<light_view>);
} // namespace
