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
#include <warden/server/detail/byte_budget.hpp>
#include <warden/server/detail/connection_set.hpp>
#include <warden/server/detail/describe_exception.hpp>
#include <warden/server/detail/session.hpp>
#include <warden/server/detail/work_queue.hpp>
#include <warden/server/options.hpp>
#include <warden/server/tls.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

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
        : options_(std::move(options)), sink_(std::move(sink)), connections_(options_.max_connections),
          budget_(options_.max_buffered_bytes), control_(boost::asio::make_strand(ioc_)), acceptor_(control_),
          accept_retry_(control_) {
        env_.app = &app;
        env_.sink = &sink_;
        env_.config = detail::make_session_config(options_);
        env_.connections = &connections_;
        env_.budget = &budget_;
    }

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Stops gracefully and waits (see `stop()` and `wait()`).
    ~server() {
        if (!started_ || finished_) return;
        stop();
        wait();
    }

    /// Binds, listens and starts the I/O threads.
    ///
    /// @param ec set when the address is invalid, the port is taken, the TLS files are
    ///        unusable, or the server was already started.
    void start(std::error_code& ec) {
        ec.clear();
        if (started_) {
            ec = std::make_error_code(std::errc::operation_in_progress);
            return;
        }
        if (options_.tls) {
            tls_.emplace(make_tls_context(*options_.tls, ec));
            if (ec) return;
        }
        boost::system::error_code bec;
        auto address = boost::asio::ip::make_address(options_.address, bec);
        boost::asio::ip::tcp::endpoint endpoint{address, options_.port};
        if (!bec) acceptor_.open(endpoint.protocol(), bec);
        if (!bec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), bec);
        if (!bec) acceptor_.bind(endpoint, bec);
        if (!bec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, bec);
        if (!bec) port_ = acceptor_.local_endpoint(bec).port();
        if (bec) {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            ec = bec;
            return;
        }
        if constexpr (detail::routes_once<App>) {
            unsigned blocking = options_.blocking_threads ? options_.blocking_threads : 2 * hardware_threads();
            unsigned hashing = options_.hashing_threads ? options_.hashing_threads : hardware_threads();
            blocking_queue_.emplace(blocking, options_.blocking_queue);
            hashing_queue_.emplace(hashing, options_.hashing_queue);
            env_.blocking_queue = &*blocking_queue_;
            env_.hashing_queue = &*hashing_queue_;
        }
        started_ = true;
        accept();
        if (stopping()) boost::asio::post(control_, [this] { close_acceptor(); });
        work_.emplace(ioc_.get_executor());
        unsigned n = options_.threads ? options_.threads : hardware_threads();
        threads_.reserve(n);
        for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run_io(); });
    }

    /// As above, throwing `std::system_error` on failure.
    void start() {
        std::error_code ec;
        start(ec);
        if (ec) throw std::system_error(ec, "warden: cannot start the server");
    }

    /// The bound port (the ephemeral one when `options.port` was 0); 0 before start().
    std::uint16_t port() const noexcept { return port_; }

    /// Connections open now.
    std::size_t connections() const { return connections_.size(); }

    /// Request body bytes held by all connections now (at most `options.max_buffered_bytes`).
    std::uint64_t buffered_bytes() const noexcept { return budget_.used(); }

    /// The options the server was built with.
    const server_options& options() const noexcept { return options_; }

    /// True once a stop has been requested.
    bool stopping() const noexcept { return stop_requested_.load(); }

    /// Stops on SIGINT or SIGTERM: the first signal stops gracefully, a second one
    /// closes every connection at once. Callable before or after start().
    void handle_signals() {
        if (signals_) return;
        signals_.emplace(control_, SIGINT, SIGTERM);
        wait_signal();
    }

    /// Begins a graceful stop and returns at once: no new connections are accepted,
    /// idle keep-alive connections are closed, requests in progress finish and their
    /// responses are written (with `Connection: close`) within `options.shutdown_grace`.
    /// Thread-safe; not for use in a signal handler (use handle_signals()).
    void stop() noexcept {
        try {
            {
                std::lock_guard lock{stop_mutex_};
                if (stop_requested_) return;
                stop_requested_ = true;
                stop_time_ = std::chrono::steady_clock::now();
            }
            stop_cv_.notify_all();
            if (started_) boost::asio::post(control_, [this] { close_acceptor(); });
            connections_.stop(false);
        } catch (...) {
        }
    }

    /// Stops at once: like stop(), but every connection is closed without waiting.
    void stop_now() noexcept {
        stop();
        try {
            connections_.stop(true);
            connections_.abandon();
        } catch (...) {
        }
    }

    /// Blocks until the server has stopped: waits for a stop request (stop(), a signal),
    /// then for the connections to finish (at most `options.shutdown_grace`, after which
    /// the rest are closed), then joins the threads. A handler still running on a pool is
    /// waited for (threads cannot be interrupted); requests still queued are not run.
    /// Call from one thread that is not one of the server's.
    void wait() {
        if (!started_ || finished_) return;
        {
            std::unique_lock lock{stop_mutex_};
            stop_cv_.wait(lock, [&] { return stop_requested_.load(); });
        }
        if (!connections_.wait_drained(stop_time_ + options_.shutdown_grace)) {
            connections_.stop(true);
            connections_.wait_drained(std::chrono::steady_clock::now() + std::chrono::seconds(1));
        }
        work_.reset();
        ioc_.stop();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        for (auto* q : {&blocking_queue_, &hashing_queue_})
            if (*q) {
                (*q)->stop();
                (*q)->join();
            }
        signals_.reset();   // gives SIGINT/SIGTERM back their previous handling
        finished_ = true;
    }

private:
    using tcp = boost::asio::ip::tcp;
    using plain_session = detail::session<App, boost::beast::tcp_stream, Sink>;
    using tls_session = detail::session<App, boost::asio::ssl::stream<boost::beast::tcp_stream>, Sink>;

    static unsigned hardware_threads() noexcept {
        unsigned n = std::thread::hardware_concurrency();
        return n ? n : 1;
    }

    // An exception escaping a handler would end the thread's run(); log it and resume.
    void run_io() noexcept {
        for (;;) {
            try {
                ioc_.run();
                return;
            } catch (...) {
                log_error("I/O thread caught an exception: ", std::current_exception());
            }
        }
    }

    void log_error(std::string_view what, std::exception_ptr p) noexcept {
        try {
            std::string message(what);
            message.append(detail::describe_exception(std::move(p), true));
            std::string line;
            detail::format_error_line(line, std::chrono::system_clock::now(), {}, message);
            sink_(std::string_view(line));
        } catch (...) {
        }
    }

    void accept() {
        acceptor_.async_accept(boost::asio::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
            if (ec) {
                // Out of descriptors or memory: retry shortly instead of spinning.
                log_error("accept failed: ", std::make_exception_ptr(boost::system::system_error(ec)));
                accept_retry_.expires_after(std::chrono::milliseconds(50));
                accept_retry_.async_wait([this](boost::system::error_code e) {
                    if (!e && acceptor_.is_open()) accept();
                });
                return;
            }
            try {
                launch(std::move(socket));
            } catch (...) {
                log_error("cannot start a connection: ", std::current_exception());
            }
            accept();
        });
    }

    void launch(tcp::socket socket) {
        boost::system::error_code ec;
        auto peer = socket.remote_endpoint(ec);
        if (ec) return;   // already gone
        socket.set_option(tcp::no_delay(true), ec);
        auto address = peer.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped())
            address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
        auto s = address.to_string(ec);
        std::string_view remote = ec ? std::string_view{} : std::string_view(s);
        if (tls_)
            std::make_shared<tls_session>(env_, remote, true, boost::beast::tcp_stream(std::move(socket)), *tls_)->start();
        else
            std::make_shared<plain_session>(env_, remote, false, std::move(socket))->start();
    }

    void close_acceptor() {
        boost::system::error_code ec;
        acceptor_.close(ec);
        accept_retry_.cancel();
    }

    void wait_signal() {
        signals_->async_wait([this](boost::system::error_code ec, int) {
            if (ec) return;
            if (stopping()) stop_now();
            else stop();
            wait_signal();
        });
    }

    // Declaration order is destruction order, reversed: sessions still queued in the
    // io_context or the pool refer to the environment, the sink and the connection set.
    server_options options_;
    Sink sink_;
    detail::connection_set connections_;
    detail::byte_budget budget_;
    detail::server_env<App, Sink> env_;
    std::optional<boost::asio::ssl::context> tls_;
    boost::asio::io_context ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> control_;
    tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_retry_;
    std::optional<boost::asio::signal_set> signals_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    // Queued jobs hold connections, which refer to the environment and the io_context:
    // the queues go first.
    std::optional<detail::work_queue> blocking_queue_;
    std::optional<detail::work_queue> hashing_queue_;
    std::vector<std::thread> threads_;
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    std::atomic<bool> stop_requested_{false};
    std::chrono::steady_clock::time_point stop_time_;
    std::uint16_t port_ = 0;
    bool started_ = false;
    bool finished_ = false;
};

} // namespace warden

#endif
