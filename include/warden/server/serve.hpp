/// @file
/// `warden::serve(app, options)`: runs an app until SIGINT or SIGTERM, the one call a
/// `main` needs.
#ifndef WARDEN_SERVER_SERVE_HPP
#define WARDEN_SERVER_SERVE_HPP

#include <warden/server/access_log.hpp>
#include <warden/server/options.hpp>
#include <warden/server/server.hpp>

#include <cstdio>
#include <string>
#include <system_error>
#include <utility>

namespace warden {

/// Serves `app` until SIGINT or SIGTERM, then stops gracefully: no new connections,
/// in-flight requests finish and their responses are written (within
/// `options.shutdown_grace`), idle connections are closed. A second signal closes
/// everything at once.
///
/// Prints `warden: listening on http://ADDRESS:PORT/` (https with TLS) to stderr once
/// listening, and `warden: stopped` on the way out.
///
/// @param app the app to serve; must be thread-safe.
/// @param options address, port, threads, limits, TLS, access log.
/// @param sink receives access-log and error lines (stderr by default).
/// @return 0 after a clean stop; 1 if the server could not start (the reason is
///         printed to stderr).
///
/// @code
/// int main() {
///     auto site = warden::app<warden::route<"/api/notes/", notes_api>>();
///     return warden::serve(site, {.address = "127.0.0.1", .port = 8000});
/// }
/// @endcode
template <class App, log_sink Sink = file_log>
int serve(App& app, server_options options = {}, Sink sink = {}) {
    server<App, Sink> srv{app, std::move(options), std::move(sink)};
    srv.handle_signals();
    std::error_code ec;
    srv.start(ec);
    if (ec) {
        std::fprintf(stderr, "warden: cannot start the server on %s:%u: %s\n", srv.options().address.c_str(),
                     static_cast<unsigned>(srv.options().port), ec.message().c_str());
        return 1;
    }
    const std::string& address = srv.options().address;
    bool v6 = address.find(':') != std::string::npos;
    std::fprintf(stderr, "warden: listening on %s://%s%s%s:%u/\n", srv.options().tls ? "https" : "http", v6 ? "[" : "",
                 address.c_str(), v6 ? "]" : "", static_cast<unsigned>(srv.port()));
    std::fflush(stderr);
    srv.wait();
    std::fprintf(stderr, "warden: stopped\n");
    return 0;
}

} // namespace warden

#endif
