/// @file
/// `warden::server<App, Sink>`: an asynchronous HTTP/1.1 server (Boost.Beast over
/// Asio, optionally TLS) that feeds every request to an app's `handle()`.
///
/// Per connection: keep-alive, pipelined requests answered in order (one in flight),
/// a timeout for each request and response, a header limit (431) and a body limit
/// (413), malformed requests and untrustworthy framing answered 400 (RFC 9112), a
/// `Date` on every response, and every exception caught at the connection (logged
/// without request data; that connection is closed, the others keep being served).
///
/// Per server: at most `max_connections` connections and `max_buffered_bytes` of
/// request bodies at once. Requests whose route waits on a blocking store
/// (`App::plan(msg).work` is `work_kind::blocking`) run on the blocking pool, and those
/// that hash passwords (`work_kind::hashing`) on a separate hashing pool, so neither
/// holds up an I/O thread and hashes never queue ahead of cheap work. Both queues are
/// bounded and their waits have a deadline: past either, the request is answered 503
/// with `Retry-After`. `stop()` drains gracefully.
#ifndef WARDEN_SERVER_SERVER_HPP
#define WARDEN_SERVER_SERVER_HPP

#include <warden/server/access_log.hpp>
#include <warden/server/detail/erased.hpp>
#include <warden/server/detail/server_core.hpp>
#include <warden/server/options.hpp>

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <type_traits>
#include <utility>

namespace warden {

/// An HTTP/1.1 server for `App` (anything with `handle(http_request&, connection_info,
/// detail::arena*)`, such as `warden::app<...>(...)`), logging to `Sink`.
///
/// Lifecycle: construct, `start()` (binds and spawns the I/O threads), then `stop()`
/// from any thread (or `handle_signals()` for SIGINT/SIGTERM) and `wait()`. A server
/// starts once. The destructor stops and waits. `App::handle` is called from several
/// threads at once; the app and the sink must be thread-safe.
///
/// @tparam App the app type.
/// @tparam Sink an access-log sink (`file_log` to stderr by default, `ostream_log`,
///         `no_log`, or any thread-safe callable taking `std::string_view`).
///
/// @code
/// auto site = warden::app<warden::route<"/api/notes/", notes_api>>();
/// warden::server srv{site, {.port = 0, .threads = 2}};
/// srv.start();
/// std::printf("listening on %u\n", srv.port());
/// // ...
/// srv.stop();
/// srv.wait();
/// @endcode
template <class App, log_sink Sink = file_log>
class server {
public:
    /// @param app served by this server; must outlive it.
    /// @param options address, port, threads, limits, TLS.
    /// @param sink receives access-log and error lines.
    explicit server(App& app, server_options options = {}, Sink sink = {})
        : sink_(std::move(sink)), refs_(app, sink_),
          core_(refs_.app, refs_.sink, !std::is_same_v<Sink, no_log>, std::move(options)) {}

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Stops gracefully and waits (see `stop()` and `wait()`).
    ~server() = default;

    /// Binds, listens and starts the I/O threads.
    ///
    /// @param ec set when the address is invalid, the port is taken, the TLS files are
    ///        unusable, or the server was already started.
    void start(std::error_code& ec) { core_.start(ec); }

    /// As above, throwing `std::system_error` on failure.
    void start() {
        std::error_code ec;
        start(ec);
        if (ec) throw std::system_error(ec, "warden: cannot start the server");
    }

    /// The bound port (the ephemeral one when `options.port` was 0); 0 before start().
    std::uint16_t port() const noexcept { return core_.port(); }

    /// Connections open now.
    std::size_t connections() const { return core_.connections(); }

    /// Request body bytes held by all connections now (at most `options.max_buffered_bytes`).
    std::uint64_t buffered_bytes() const noexcept { return core_.buffered_bytes(); }

    /// The options the server was built with.
    const server_options& options() const noexcept { return core_.options(); }

    /// True once a stop has been requested.
    bool stopping() const noexcept { return core_.stopping(); }

    /// Stops on SIGINT or SIGTERM: the first signal stops gracefully, a second one
    /// closes every connection at once. Callable before or after start().
    void handle_signals() { core_.handle_signals(); }

    /// Begins a graceful stop and returns at once: no new connections are accepted,
    /// idle keep-alive connections are closed, requests in progress finish and their
    /// responses are written (with `Connection: close`) within `options.shutdown_grace`.
    /// Thread-safe; not for use in a signal handler (use handle_signals()).
    void stop() noexcept { core_.stop(); }

    /// Stops at once: like stop(), but every connection is closed without waiting.
    void stop_now() noexcept { core_.stop_now(); }

    /// Blocks until the server has stopped: waits for a stop request (stop(), a signal),
    /// then for the connections to finish (at most `options.shutdown_grace`, after which
    /// the rest are closed), then joins the threads. A handler still running on a pool is
    /// waited for (threads cannot be interrupted); requests still queued are not run.
    /// Call from one thread that is not one of the server's.
    void wait() { core_.wait(); }

private:
    using refs = detail::core_refs<App, Sink>;

    // The sink outlives the core, whose connections log to it.
    Sink sink_;
    refs refs_;
    detail::basic_server_core<typename refs::app_type, typename refs::sink_type> core_;
};

} // namespace warden

#endif
