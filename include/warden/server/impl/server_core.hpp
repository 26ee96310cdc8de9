// The definitions of detail::basic_server_core (warden/server/detail/server_core.hpp):
// included from there (header-only, the default: instantiated per app), or from
// warden/src.hpp, which instantiates it once for app_ref and sink_ref
// (WARDEN_SEPARATE_COMPILATION).
#ifndef WARDEN_SERVER_IMPL_SERVER_CORE_HPP
#define WARDEN_SERVER_IMPL_SERVER_CORE_HPP

#include <warden/server/detail/byte_budget.hpp>
#include <warden/server/detail/connection_set.hpp>
#include <warden/server/detail/describe_exception.hpp>
#include <warden/server/detail/erased.hpp>
#include <warden/server/detail/log_format.hpp>
#include <warden/server/detail/server_core.hpp>
#include <warden/server/detail/session.hpp>
#include <warden/server/detail/work_queue.hpp>
#include <warden/server/options.hpp>
#include <warden/server/tls.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/basic_stream.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace warden::detail {

// Whether the app plans its routes (and so needs the blocking and hashing pools).
template <class App>
bool plans_routes(const App& app) noexcept {
    if constexpr (std::is_same_v<App, app_ref>) return app.routes_once;
    else return (void)app, routes_once<App>;
}

// Each connection runs on its own strand, named by its concrete type: Beast's
// tcp_stream would hold it as an any_io_executor, type-erased, copied and destroyed
// behind function pointers on every operation.
using connection_executor = boost::asio::strand<boost::asio::io_context::executor_type>;
using connection_stream = boost::beast::basic_stream<boost::asio::ip::tcp, connection_executor>;

template <class App, class Sink>
struct basic_server_core<App, Sink>::state {
    using tcp = boost::asio::ip::tcp;
    using socket_type = tcp::socket::rebind_executor<connection_executor>::other;
    using plain_session = session<App, connection_stream, Sink>;
    using tls_session = session<App, boost::asio::ssl::stream<connection_stream>, Sink>;

    state(App& a, Sink& s, bool access_log, server_options o)
        : options(std::move(o)), app(a), sink(s), connections(options.max_connections),
          budget(options.max_buffered_bytes), control(boost::asio::make_strand(ioc)), acceptor(control),
          accept_retry(control) {
        env.app = &app;
        env.sink = &sink;
        env.config = make_session_config(options);
        if (!access_log) env.config.access_log = false;
        env.connections = &connections;
        env.budget = &budget;
    }

    static unsigned hardware_threads() noexcept {
        unsigned n = std::thread::hardware_concurrency();
        return n ? n : 1;
    }

    // An exception escaping a handler would end the thread's run(); log it and resume.
    void run_io() noexcept {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (...) {
                log_error("I/O thread caught an exception: ", std::current_exception());
            }
        }
    }

    void log_error(std::string_view what, std::exception_ptr p) noexcept {
        try {
            std::string message(what);
            message.append(describe_exception(std::move(p), true));
            std::string line;
            format_error_line(line, std::chrono::system_clock::now(), {}, message);
            sink(std::string_view(line));
        } catch (...) {
        }
    }

    void accept() {
        acceptor.async_accept(boost::asio::make_strand(ioc), [this](boost::system::error_code ec, socket_type socket) {
            if (ec == boost::asio::error::operation_aborted || !acceptor.is_open()) return;
            if (ec) {
                // Out of descriptors or memory: retry shortly instead of spinning.
                log_error("accept failed: ", std::make_exception_ptr(boost::system::system_error(ec)));
                accept_retry.expires_after(std::chrono::milliseconds(50));
                accept_retry.async_wait([this](boost::system::error_code e) {
                    if (!e && acceptor.is_open()) accept();
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

    void launch(socket_type socket) {
        boost::system::error_code ec;
        auto peer = socket.remote_endpoint(ec);
        if (ec) return;   // already gone
        socket.set_option(tcp::no_delay(true), ec);
        auto address = peer.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped())
            address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
        auto s = address.to_string(ec);
        std::string_view remote = ec ? std::string_view{} : std::string_view(s);
        if (tls)
            std::make_shared<tls_session>(env, remote, true, connection_stream(std::move(socket)), *tls)->start();
        else
            std::make_shared<plain_session>(env, remote, false, std::move(socket))->start();
    }

    void close_acceptor() {
        boost::system::error_code ec;
        acceptor.close(ec);
        accept_retry.cancel();
    }

    void wait_signal(basic_server_core& core) {
        signals->async_wait([this, &core](boost::system::error_code ec, int) {
            if (ec) return;
            if (core.stopping()) core.stop_now();
            else core.stop();
            wait_signal(core);
        });
    }

    // Declaration order is destruction order, reversed: sessions still queued in the
    // io_context or the pool refer to the environment, the sink and the connection set.
    server_options options;
    App& app;
    Sink& sink;
    connection_set connections;
    byte_budget budget;
    server_env<App, Sink> env;
    std::optional<boost::asio::ssl::context> tls;
    boost::asio::io_context ioc;
    boost::asio::strand<boost::asio::io_context::executor_type> control;
    tcp::acceptor acceptor;
    boost::asio::steady_timer accept_retry;
    std::optional<boost::asio::signal_set> signals;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    // Queued jobs hold connections, which refer to the environment and the io_context:
    // the queues go first.
    std::optional<work_queue> blocking_queue;
    std::optional<work_queue> hashing_queue;
    std::vector<std::thread> threads;
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    std::atomic<bool> stop_requested{false};
    std::chrono::steady_clock::time_point stop_time;
    std::uint16_t port = 0;
    bool started = false;
    bool finished = false;
};

template <class App, class Sink>
basic_server_core<App, Sink>::basic_server_core(App& app, Sink& sink, bool access_log, server_options options)
    : s_(std::make_unique<state>(app, sink, access_log, std::move(options))) {}

template <class App, class Sink>
basic_server_core<App, Sink>::~basic_server_core() {
    if (!s_->started || s_->finished) return;
    stop();
    wait();
}

template <class App, class Sink>
void basic_server_core<App, Sink>::start(std::error_code& ec) {
    auto& s = *s_;
    ec.clear();
    if (s.started) {
        ec = std::make_error_code(std::errc::operation_in_progress);
        return;
    }
    if (s.options.tls) {
        s.tls.emplace(make_tls_context(*s.options.tls, ec));
        if (ec) return;
    }
    boost::system::error_code bec;
    auto address = boost::asio::ip::make_address(s.options.address, bec);
    boost::asio::ip::tcp::endpoint endpoint{address, s.options.port};
    if (!bec) s.acceptor.open(endpoint.protocol(), bec);
    if (!bec) s.acceptor.set_option(boost::asio::socket_base::reuse_address(true), bec);
    if (!bec) s.acceptor.bind(endpoint, bec);
    if (!bec) s.acceptor.listen(boost::asio::socket_base::max_listen_connections, bec);
    if (!bec) s.port = s.acceptor.local_endpoint(bec).port();
    if (bec) {
        boost::system::error_code ignored;
        s.acceptor.close(ignored);
        ec = bec;
        return;
    }
    if (plans_routes(s.app)) {
        unsigned blocking = s.options.blocking_threads ? s.options.blocking_threads : 2 * state::hardware_threads();
        unsigned hashing = s.options.hashing_threads ? s.options.hashing_threads : state::hardware_threads();
        s.blocking_queue.emplace(blocking, s.options.blocking_queue);
        s.hashing_queue.emplace(hashing, s.options.hashing_queue);
        s.env.blocking_queue = &*s.blocking_queue;
        s.env.hashing_queue = &*s.hashing_queue;
    }
    s.started = true;
    s.accept();
    if (stopping()) boost::asio::post(s.control, [&s] { s.close_acceptor(); });
    s.work.emplace(s.ioc.get_executor());
    unsigned n = s.options.threads ? s.options.threads : state::hardware_threads();
    s.threads.reserve(n);
    for (unsigned i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.run_io(); });
}

template <class App, class Sink>
std::uint16_t basic_server_core<App, Sink>::port() const noexcept { return s_->port; }

template <class App, class Sink>
std::size_t basic_server_core<App, Sink>::connections() const { return s_->connections.size(); }

template <class App, class Sink>
std::uint64_t basic_server_core<App, Sink>::buffered_bytes() const noexcept { return s_->budget.used(); }

template <class App, class Sink>
const server_options& basic_server_core<App, Sink>::options() const noexcept { return s_->options; }

template <class App, class Sink>
bool basic_server_core<App, Sink>::stopping() const noexcept { return s_->stop_requested.load(); }

template <class App, class Sink>
void basic_server_core<App, Sink>::handle_signals() {
    auto& s = *s_;
    if (s.signals) return;
    s.signals.emplace(s.control, SIGINT, SIGTERM);
    s.wait_signal(*this);
}

template <class App, class Sink>
void basic_server_core<App, Sink>::stop() noexcept {
    auto& s = *s_;
    try {
        {
            std::lock_guard lock{s.stop_mutex};
            if (s.stop_requested) return;
            s.stop_requested = true;
            s.stop_time = std::chrono::steady_clock::now();
        }
        s.stop_cv.notify_all();
        if (s.started) boost::asio::post(s.control, [&s] { s.close_acceptor(); });
        s.connections.stop(false);
    } catch (...) {
    }
}

template <class App, class Sink>
void basic_server_core<App, Sink>::stop_now() noexcept {
    stop();
    try {
        s_->connections.stop(true);
        s_->connections.abandon();
    } catch (...) {
    }
}

template <class App, class Sink>
void basic_server_core<App, Sink>::wait() {
    auto& s = *s_;
    if (!s.started || s.finished) return;
    {
        std::unique_lock lock{s.stop_mutex};
        s.stop_cv.wait(lock, [&] { return s.stop_requested.load(); });
    }
    if (!s.connections.wait_drained(s.stop_time + s.options.shutdown_grace)) {
        s.connections.stop(true);
        s.connections.wait_drained(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    }
    s.work.reset();
    s.ioc.stop();
    for (auto& t : s.threads)
        if (t.joinable()) t.join();
    for (auto* q : {&s.blocking_queue, &s.hashing_queue})
        if (*q) {
            (*q)->stop();
            (*q)->join();
        }
    s.signals.reset();   // gives SIGINT/SIGTERM back their previous handling
    s.finished = true;
}

} // namespace warden::detail

#endif
