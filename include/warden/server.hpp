/// @file
/// The server: `serve(app, options)`, `warden::server` (Boost.Beast over Asio), TLS, the
/// server options and the access-log sinks. It serves any app; the app itself comes
/// from warden/app.hpp (or `<warden.hpp>`).
///
/// @code
/// #include <warden/app.hpp>
/// #include <warden/server.hpp>
/// int main() {
///     auto site = warden::app<warden::route<"/api/notes/", notes_api>>();
///     return warden::serve(site, {.address = "127.0.0.1", .port = 8000});
/// }
/// @endcode
#ifndef WARDEN_SERVER_UMBRELLA_HPP
#define WARDEN_SERVER_UMBRELLA_HPP

#include <warden/server/access_log.hpp>
#include <warden/server/options.hpp>
#include <warden/server/serve.hpp>
#include <warden/server/server.hpp>
// With WARDEN_SEPARATE_COMPILATION the server is declared without Asio: include
// warden/server/tls.hpp yourself for make_tls_context (serving with server_options::tls
// does not need it).
#if !defined(WARDEN_SEPARATE_COMPILATION)
#include <warden/server/tls.hpp>
#endif

#endif
