/// @file
/// `warden::test::stream_client`: one connection of the real server code, driven over
/// `boost::beast::test::stream` in-process (no sockets), for tests of raw-byte
/// behaviour: limits (431, 413), malformed requests (400), pipelining, keep-alive,
/// `Connection: close`, HEAD, chunked bodies, the access log.
///
/// Everything runs on the calling thread. Requests whose route may block run inline
/// (the server would move them to its pool). There are no timeouts over a test stream.
#ifndef WARDEN_TEST_STREAM_CLIENT_HPP
#define WARDEN_TEST_STREAM_CLIENT_HPP

#include <warden/core/http.hpp>
#include <warden/server/access_log.hpp>
#include <warden/server/detail/byte_budget.hpp>
#include <warden/server/detail/session.hpp>
#include <warden/server/options.hpp>
#include <warden/test/client.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace warden::test {

/// One server connection to `App` over an in-memory stream. `send()` writes raw bytes
/// to the server, `receive()` runs the server until it waits for more input (or has
/// closed) and returns the bytes it wrote.
///
/// @code
/// auto site = warden::app<warden::route<"/api/open/", open_view>>();
/// warden::test::stream_client c{site};
/// auto out = c.exchange("GET /api/open/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
///                       "GET /api/open/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
/// auto first = warden::test::take_response(out);
/// auto second = warden::test::take_response(out);
/// REQUIRE(second->header("Connection") == "close");
/// REQUIRE(c.server_closed());
/// @endcode
template <class App, log_sink Sink = no_log>
class stream_client {
public:
    /// @param app the app served; must outlive the client.
    /// @param options limits (including `max_buffered_bytes`, for this one connection) and
    ///        the access-log switch (address, port, threads, queues, TLS are unused).
    /// @param sink receives access-log and error lines.
    /// @param remote_address what the app sees as the peer address.
    /// @param secure what the app sees as `connection_info::secure`.
    explicit stream_client(App& app, server_options options = {}, Sink sink = {},
                           std::string remote_address = "127.0.0.1", bool secure = false)
        : budget_(options.max_buffered_bytes), sink_(std::move(sink)), client_(ioc_) {
        env_.app = &app;
        env_.sink = &sink_;
        env_.config = detail::make_session_config(options);
        env_.budget = &budget_;
        boost::beast::test::stream server_end{ioc_};
        client_.connect(server_end);
        auto s = std::make_shared<session_type>(env_, remote_address, secure, std::move(server_end));
        session_ = s;
        s->start();
        run();
    }

    stream_client(const stream_client&) = delete;
    stream_client& operator=(const stream_client&) = delete;

    ~stream_client() {
        client_.close();
        run();
    }

    /// Writes `bytes` to the server (ignored once the server has closed).
    void send(std::string_view bytes) {
        boost::beast::error_code ec;
        boost::asio::write(client_, boost::asio::buffer(bytes.data(), bytes.size()), ec);
    }

    /// Runs the server until it is idle; returns (and forgets) what it has written.
    std::string receive() {
        run();
        std::string out = client_.str();
        client_.clear();
        return out;
    }

    /// send() then receive().
    std::string exchange(std::string_view bytes) {
        send(bytes);
        return receive();
    }

    /// Closes the client's end (the server sees end of stream).
    void close() {
        client_.close();
        run();
    }

    /// True once the server has closed the connection (after running it until idle).
    bool server_closed() {
        run();
        return session_.expired();
    }

    /// The sink the connection logs to.
    Sink& sink() noexcept { return sink_; }

    /// Request body bytes the connection holds now (its share of `max_buffered_bytes`).
    std::uint64_t buffered_bytes() const noexcept { return budget_.used(); }

private:
    using session_type = detail::session<App, boost::beast::test::stream, Sink>;

    void run() {
        ioc_.restart();
        ioc_.poll();
    }

    // Declaration order matters: the session (kept alive by handlers queued in the
    // io_context) refers to env_ and sink_, so they outlive it.
    detail::byte_budget budget_;
    detail::server_env<App, Sink> env_;
    Sink sink_;
    boost::asio::io_context ioc_;
    boost::beast::test::stream client_;
    std::weak_ptr<session_type> session_;
};

/// Parses one response off the front of `bytes` and removes it; empty when `bytes`
/// does not start with a complete, valid response.
///
/// @param bytes what the server wrote (`stream_client::receive()`).
/// @param head_request true when the response answers a HEAD request (no body follows
///        despite Content-Length).
///
/// @code
/// std::string out = c.exchange("HEAD /api/open/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
/// auto r = warden::test::take_response(out, true);
/// @endcode
inline std::optional<result> take_response(std::string& bytes, bool head_request = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body, detail::arena_allocator<char>> parser;
    parser.eager(true);
    parser.skip(head_request);
    parser.body_limit(boost::none);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < bytes.size()) {
        std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (ec || n == 0) return std::nullopt;
        used += n;
    }
    if (!parser.is_done()) return std::nullopt;
    bytes.erase(0, used);
    return result{parser.release()};
}

/// A sink that keeps every line in memory, for tests of the access log.
///
/// @code
/// warden::test::stream_client<decltype(site), warden::test::memory_log> c{site};
/// c.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
/// auto lines = c.sink().text();
/// @endcode
class memory_log {
public:
    void operator()(std::string_view line) {
        std::lock_guard lock{state_->mutex};
        state_->text.append(line);
    }
    /// Everything logged so far.
    std::string text() const {
        std::lock_guard lock{state_->mutex};
        return state_->text;
    }

private:
    struct shared {
        std::mutex mutex;
        std::string text;
    };
    std::shared_ptr<shared> state_ = std::make_shared<shared>();
};

} // namespace warden::test

#endif
