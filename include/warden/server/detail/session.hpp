// One HTTP/1.1 connection: read a request, hand it to the app (inline, or on the
// blocking pool), write the response, repeat. A template over the stream so the same
// code serves a TCP socket, a TLS stream and beast::test::stream (the stream client).
#ifndef WARDEN_SERVER_DETAIL_SESSION_HPP
#define WARDEN_SERVER_DETAIL_SESSION_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/app/router.hpp>
#include <warden/core/detail/arena.hpp>
#include <warden/core/http.hpp>
#include <warden/core/http_date.hpp>
#include <warden/core/request.hpp>
#include <warden/core/work_kind.hpp>
#include <warden/server/access_log.hpp>
#include <warden/server/detail/byte_budget.hpp>
#include <warden/server/detail/connection_set.hpp>
#include <warden/server/detail/describe_exception.hpp>
#include <warden/server/detail/erased.hpp>
#include <warden/server/detail/framing.hpp>
#include <warden/server/detail/response_head.hpp>
#include <warden/server/detail/work_queue.hpp>
#include <warden/server/options.hpp>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace warden::detail {

/// The per-connection settings a session needs, taken from `server_options`.
struct session_config {
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(30);
    std::size_t header_limit = 16 * 1024;
    std::uint64_t body_limit = 1024 * 1024;
    std::chrono::steady_clock::duration queue_timeout = std::chrono::seconds(10);
    bool access_log = true;
    bool inline_reads = true;   // server_options::inline_reads
    // How long a closing connection keeps reading (and discarding) what the client still
    // sends, so the kernel does not answer it with a reset that could destroy the final
    // response before the client reads it.
    std::chrono::steady_clock::duration linger = std::chrono::seconds(2);
};

inline session_config make_session_config(const server_options& o) {
    session_config c;
    c.timeout = o.timeout;
    c.header_limit = o.header_limit;
    c.body_limit = o.body_limit;
    c.queue_timeout = o.queue_timeout;
    c.access_log = o.access_log;
    c.inline_reads = o.inline_reads;
    c.linger = std::min<std::chrono::steady_clock::duration>(c.linger, o.timeout);
    return c;
}

/// What every connection of one server shares. Owned by the server (or stream client).
template <class App, class Sink>
struct server_env {
    App* app = nullptr;
    Sink* sink = nullptr;
    session_config config;
    work_queue* blocking_queue = nullptr;   // null: blocking routes run inline
    work_queue* hashing_queue = nullptr;    // null: hashing routes run inline
    connection_set* connections = nullptr;  // null: not tracked (no graceful stop, no limit)
    byte_budget* budget = nullptr;          // null: bodies limited per connection only
};

// Streams with a TLS layer (asio::ssl::stream): a handshake first, close_notify last.
template <class S>
concept tls_stream = requires(S& s) {
    s.native_handle();
    s.next_layer();
};
// Streams whose lowest layer is a beast::basic_stream: a real connection, which gets the
// session's deadlines (test streams do not).
template <class S>
concept timed_stream = requires(S& s) { boost::beast::get_lowest_layer(s).expires_after(std::chrono::seconds(1)); };

// The deadline of a connection's current step, kept lazily: setting or clearing it is a
// store, and its one timer wakes only when the earliest deadline it was armed for
// arrives, then re-arms for the deadline set since (or stops, if none). Beast's own
// per-operation timeouts would arm and cancel a timer for each read and each write:
// lock the reactor's mutex twice and run a cancelled handler, about 4,000 instructions
// of a keep-alive request (docs/benchmarks.md, finding 4). The timer runs its handler
// on the connection's strand and holds the owner (the session) weakly.
template <class Executor>
class lazy_deadline {
public:
    using clock = std::chrono::steady_clock;

    explicit lazy_deadline(const Executor& ex) : timer_(ex) {}

    /// The step must end by now + `d`; `OnExpiry` (a member function of Owner) runs then unless
    /// the deadline has moved on.
    template <auto OnExpiry, class Owner>
    void set(std::chrono::steady_clock::duration d, Owner& owner) {
        deadline_ = clock::now() + d;
        if (!armed_ || deadline_ < timer_.expiry()) arm<OnExpiry>(owner.weak_from_this());
    }
    /// No deadline until the next `set` (the connection is handling a request).
    void clear() noexcept { deadline_ = clock::time_point::max(); }
    /// The connection is closed: the timer stops.
    void stop() noexcept {
        deadline_ = clock::time_point::max();
        try {
            timer_.cancel();
        } catch (...) {
        }
    }

private:
    template <auto OnExpiry, class Owner>
    void arm(std::weak_ptr<Owner> owner) {
        armed_ = true;
        timer_.expires_at(deadline_);   // cancels a wait in progress: that handler sees an error and returns
        timer_.async_wait([weak = std::move(owner), this](boost::beast::error_code ec) {
            if (ec) return;             // re-armed or stopped; `this` may be gone
            auto self = weak.lock();
            if (!self) return;
            armed_ = false;
            if (deadline_ == clock::time_point::max()) return;   // cleared: the next set arms again
            if (clock::now() < deadline_) return arm<OnExpiry>(std::move(weak));
            ((*self).*OnExpiry)();
        });
    }

    boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>, Executor> timer_;
    clock::time_point deadline_ = clock::time_point::max();
    bool armed_ = false;   // a wait is pending, for timer_.expiry()
};

// Streams over a real socket (which can be half-closed).
template <class S>
concept socket_stream = requires(S& s) { boost::beast::get_lowest_layer(s).socket(); };

template <class App, class Stream, class Sink>
class session : public std::enable_shared_from_this<session<App, Stream, Sink>> {
public:
    using env_type = server_env<App, Sink>;

    /// `stream_args` construct the stream (a socket, or a Beast basic_stream and a TLS context).
    template <class... StreamArgs>
    session(const env_type& env, std::string_view remote_address, bool secure, StreamArgs&&... stream_args)
        : stream_(std::forward<StreamArgs>(stream_args)...), env_(&env), secure_(secure) {
        remote_len_ = std::min(remote_address.size(), remote_.size());
        std::memcpy(remote_.data(), remote_address.data(), remote_len_);
        log_buf_.reserve(256);
    }

    session(const session&) = delete;
    session& operator=(const session&) = delete;

    ~session() {
        release_budget();
        if (env_->connections) env_->connections->remove(hook_);
    }

    /// Starts serving; callable from any thread.
    void start() {
        boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            self->guarded([&] { self->begin(); });
        });
    }

    Stream& stream() noexcept { return stream_; }

private:
    enum class state { handshake, reading, handling, writing, closing, closed };
    using parser_type = boost::beast::http::request_parser<boost::beast::http::string_body, arena_allocator<char>>;

    std::string_view remote() const noexcept { return {remote_.data(), remote_len_}; }

    // Runs `f`, turning any exception into an error line and a closed connection: no
    // exception leaves a connection.
    template <class F>
    void guarded(F&& f) noexcept {
        try {
            f();
        } catch (...) {
            log_error("connection closed after an exception: ", std::current_exception(), true);
            close_now();
        }
    }

    void begin() {
        if (env_->connections) {
            hook_.owner = this->shared_from_this();
            hook_.notify = &notify;
            switch (env_->connections->add(hook_)) {
            case connection_set::admission::added: break;
            case connection_set::admission::full_reported:
                log_message("connection limit reached (server_options::max_connections): refusing new connections");
                [[fallthrough]];
            case connection_set::admission::full:
            case connection_set::admission::stopping: return close_now();
            }
        }
        if constexpr (tls_stream<Stream>) {
            state_ = state::handshake;
            set_timeout(env_->config.timeout);
            stream_.async_handshake(Stream::server, [self = this->shared_from_this()](boost::beast::error_code ec) {
                self->guarded([&] {
                    if (ec) return self->close_now();   // not TLS, or refused: nothing to answer
                    self->read_request();
                });
            });
        } else {
            read_request();
        }
    }

    static void notify(const std::shared_ptr<void>& p, bool force) {
        auto self = std::static_pointer_cast<session>(p);
        boost::asio::post(self->stream_.get_executor(), [self, force] { self->guarded([&] { self->on_stop(force); }); });
    }

    // The server is stopping: an idle connection closes now; one in the middle of an
    // exchange finishes it and then closes.
    void on_stop(bool force) {
        stopping_ = true;
        if (force || state_ == state::handshake) return close_now();
        if (state_ == state::reading && buffer_.size() == 0 && (!parser_ || !parser_->got_some())) close_now();
    }

    void read_request() {
        if (stopping_) return begin_close();
        state_ = state::reading;
        close_after_write_ = false;
        log_request_line_ = true;
        parser_.emplace(std::piecewise_construct, std::make_tuple(), std::make_tuple(arena_allocator<char>{&arena_}));
        parser_->header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(env_->config.header_limit, std::numeric_limits<std::uint32_t>::max())));
        parser_->body_limit(env_->config.body_limit);
        set_timeout(env_->config.timeout);
        boost::beast::http::async_read_header(stream_, buffer_, *parser_,
            [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                self->guarded([&] { self->on_header(ec); });
            });
    }

    void on_header(boost::beast::error_code ec) {
        if (ec) return on_read_error(ec);
        started_ = std::chrono::steady_clock::now();
        auto& msg = parser_->get();
        // RFC 9112 section 3.2: a request has at most one Host, and HTTP/1.1 requires it.
        auto hosts = count_field(msg, http::field::host);
        if (hosts > 1 || (hosts == 0 && msg.version() >= 11))
            return reply_error(http::status::bad_request, R"({"detail":"Missing or repeated Host header."})");
        // Checked before the body is read or the request is done: see framing.hpp.
        switch (check_framing(msg)) {
        case framing::ok: break;
        case framing::bad_request:
            return reply_error(http::status::bad_request,
                               R"({"detail":"Malformed request: Transfer-Encoding must be chunked alone, on HTTP/1.1, without Content-Length."})");
        case framing::not_implemented:
            return reply_error(http::status::not_implemented, R"({"detail":"Unsupported Transfer-Encoding."})");
        }
        if (auto length = parser_->content_length(); length && *length > 0 && !charge_budget(*length))
            return reply_busy(true);
        if (parser_->is_done()) return on_request();
        auto expect = msg.find(http::field::expect);
        if (expect != msg.end() && msg.version() >= 11 && warden::detail::iequals(expect->value(), "100-continue")) {
            static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
            boost::asio::async_write(stream_, boost::asio::buffer(continue_line.data(), continue_line.size()),
                [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                    self->guarded([&] {
                        if (ec) return self->close_now();
                        self->read_body();
                    });
                });
            return;
        }
        read_body();
    }

    void read_body() {
        if (parser_->chunked()) return read_chunks();
        boost::beast::http::async_read(stream_, buffer_, *parser_,
            [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                self->guarded([&] {
                    if (ec) return self->on_read_error(ec);
                    self->on_request();
                });
            });
    }

    // A chunked body has no declared length: it is charged to the budget as it grows.
    void read_chunks() {
        boost::beast::http::async_read_some(stream_, buffer_, *parser_,
            [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                self->guarded([&] {
                    if (ec) return self->on_read_error(ec);
                    std::uint64_t held = self->parser_->get().body().size();
                    if (held > self->charged_ && !self->charge_budget(held - self->charged_)) return self->reply_busy(true);
                    if (self->parser_->is_done()) return self->on_request();
                    self->read_chunks();
                });
            });
    }

    bool charge_budget(std::uint64_t n) noexcept {
        if (!env_->budget) return true;
        if (!env_->budget->take(n)) return false;
        charged_ += n;
        return true;
    }

    void release_budget() noexcept {
        if (charged_ && env_->budget) env_->budget->give(charged_);
        charged_ = 0;
    }

    void on_read_error(boost::beast::error_code ec) {
        namespace bh = boost::beast::http;
        if (state_ == state::closed) return;
        started_ = std::chrono::steady_clock::now();
        if (ec == bh::error::header_limit) {
            log_request_line_ = false;
            return reply_error(http::status::request_header_fields_too_large,
                               R"({"detail":"Request header fields too large."})");
        }
        if (ec == bh::error::body_limit) return reply_error(http::status::payload_too_large, R"({"detail":"Request body too large."})");
        // The client closed between requests or in the middle of one: nobody to answer.
        if (ec == bh::error::end_of_stream || ec == bh::error::partial_message) return close_now();
        if (ec.category() == bh::make_error_code(bh::error::bad_method).category()) {
            log_request_line_ = parser_->is_header_done();
            return reply_error(http::status::bad_request, R"({"detail":"Malformed request."})");
        }
        close_now();   // timeout, reset, stop, TLS failure
    }

    void on_request() {
        clear_timeout();
        state_ = state::handling;
        work_queue* queue = nullptr;
        if constexpr (routes_once<App>) {
            plan_ = env_->app->plan(parser_->get());
            switch (plan_.work) {
            case work_kind::inline_: break;
            case work_kind::store_read:
                // A few cached reads cost less than the hand-off to the pool and back.
                if (env_->config.inline_reads && env_->app->try_reserve_reads(plan_)) {
                    run_handler();
                    env_->app->release_reads(plan_);
                    return write_response();
                }
                queue = env_->blocking_queue;
                break;
            case work_kind::blocking: queue = env_->blocking_queue; break;
            case work_kind::hashing: queue = env_->hashing_queue; break;
            }
        }
        if (!queue) {
            run_handler();
            return write_response();
        }
        // The strand's executor tracks work while the job waits and runs, so the I/O
        // threads keep running until the response can be written.
        back_.emplace(boost::asio::prefer(stream_.get_executor(), boost::asio::execution::outstanding_work.tracked));
        work_queue::job job{this->shared_from_this(), &run_queued,
                            std::chrono::steady_clock::now() + env_->config.queue_timeout};
        if (!queue->try_push(std::move(job))) {
            back_.reset();
            reply_busy(false);
        }
    }

    // On a queue thread: the handler (or, past the deadline, a 503), then back to the
    // connection's strand to write.
    static void run_queued(const std::shared_ptr<void>& owner, bool expired) noexcept {
        auto self = std::static_pointer_cast<session>(owner);
        if (expired) {
            try {
                self->make_busy_response(false);
            } catch (...) {
                self->res_.reset();   // out of memory: the connection closes
            }
        } else {
            self->run_handler();
        }
        auto back = std::move(*self->back_);
        self->back_.reset();
        try {
            boost::asio::post(back, [self] { self->guarded([&] { self->write_response(); }); });
        } catch (...) {
            // Out of memory: the connection is dropped with `self` (an exception here
            // would end the queue's thread and the process).
        }
    }

    // Never throws: a handler that throws gets a 500 and a closed connection.
    void run_handler() noexcept {
        try {
            if constexpr (routes_once<App>)
                res_.emplace(env_->app->handle(parser_->get(), plan_, connection_info{remote(), secure_}, &arena_));
            else
                res_.emplace(env_->app->handle(parser_->get(), connection_info{remote(), secure_}, &arena_));
        } catch (...) {
            log_error("request handler threw ", std::current_exception(), false);
            try {
                make_error_response(http::status::internal_server_error, R"({"detail":"A server error occurred."})");
            } catch (...) {
                res_.reset();
            }
        }
    }

    void make_error_response(http::status status, std::string_view json) {
        res_.emplace(std::piecewise_construct, std::make_tuple(), std::make_tuple(arena_allocator<char>{&arena_}));
        res_->result(status);
        res_->version(11);
        res_->set(http::field::content_type, "application/json");
        res_->body().assign(json.data(), json.size());
        res_->prepare_payload();
        close_after_write_ = true;
    }

    void reply_error(http::status status, std::string_view json) {
        clear_timeout();
        make_error_response(status, json);
        write_response();
    }

    // 503 for a server at one of its limits (a full queue, a queue deadline, the body
    // budget). `close`: the request was not read to its end, so the connection cannot go on.
    void make_busy_response(bool close) {
        make_error_response(http::status::service_unavailable, R"({"detail":"Server busy, try again later."})");
        res_->set(http::field::retry_after, "1");
        close_after_write_ = close;
    }

    void reply_busy(bool close) {
        clear_timeout();
        make_busy_response(close);
        write_response();
    }

    void write_response() {
        if (state_ == state::closed) return;   // closed by a forced stop while handling
        if (!res_) return close_now();
        res_->set(http::field::date, http_date_now());
        if (stopping_ || close_after_write_) res_->keep_alive(false);
        state_ = state::writing;
        set_timeout(env_->config.timeout);
        auto done = [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
            self->guarded([&] { self->on_write(ec); });
        };
        // The head from the arena and the body, in one write; Beast's serializer only
        // for a body to encode (see response_head.hpp).
        if (auto head = format_response_head(*res_, arena_); !head.empty()) {
            const std::array<boost::asio::const_buffer, 2> buffers{boost::asio::buffer(head.data(), head.size()),
                                                                   boost::asio::buffer(res_->body())};
            boost::asio::async_write(stream_, buffers, std::move(done));
        } else {
            boost::beast::http::async_write(stream_, *res_, std::move(done));
        }
    }

    void on_write(boost::beast::error_code ec) {
        log_access(ec);
        bool close = ec || close_after_write_ || stopping_ || res_->need_eof();
        // The exchange is over: destroy what lives in the arena, then give its blocks to
        // the thread (an idle connection holds none; the next exchange takes one back).
        release_budget();
        res_.reset();
        parser_.reset();
        arena_.reset();
        if (ec) return close_now();
        if (close) return begin_close();
        read_request();
    }

    // Closes after a last response: TLS sends close_notify; TCP half-closes and discards
    // what the client still sends for a moment (see session_config::linger).
    void begin_close() {
        if (state_ == state::closed || state_ == state::closing) return;
        state_ = state::closing;
        set_timeout(env_->config.linger);
        if constexpr (tls_stream<Stream>) {
            stream_.async_shutdown([self = this->shared_from_this()](boost::beast::error_code) {
                self->guarded([&] { self->close_now(); });
            });
        } else if constexpr (socket_stream<Stream>) {
            boost::beast::error_code ec;
            boost::beast::get_lowest_layer(stream_).socket().shutdown(boost::asio::socket_base::shutdown_send, ec);
            if (ec) return close_now();
            buffer_.consume(buffer_.size());
            drain();
        } else {
            close_now();
        }
    }

    void drain() {
        stream_.async_read_some(buffer_.prepare(4096),
            [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                self->guarded([&] {
                    if (ec) return self->close_now();
                    self->drain();
                });
            });
    }

    void close_now() noexcept {
        if (state_ == state::closed) return;
        state_ = state::closed;
        if constexpr (timed_stream<Stream>) deadline_.stop();
        try {
            boost::beast::get_lowest_layer(stream_).close();
        } catch (...) {
        }
    }

    void set_timeout(std::chrono::steady_clock::duration d) {
        if constexpr (timed_stream<Stream>) deadline_.template set<&session::on_deadline>(d, *this);
    }
    void clear_timeout() noexcept {
        if constexpr (timed_stream<Stream>) deadline_.clear();
    }
    // The step did not finish in time: closing the socket ends the read or write in
    // progress, whose handler then sees the connection closed.
    void on_deadline() noexcept { close_now(); }

    void log_access(boost::beast::error_code ec) noexcept {
        if constexpr (std::is_same_v<Sink, no_log>) {
            (void)ec;
        } else {
            if (!env_->config.access_log || !res_) return;
            try {
                access_entry e;
                e.remote = remote();
                if (log_request_line_ && parser_) {
                    e.method = parser_->get().method_string();
                    e.target = parser_->get().target();
                }
                e.status = res_->result_int();
                e.bytes = ec ? 0 : res_->body().size();
                e.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
                format_access_line(log_buf_, std::chrono::system_clock::now(), e);
                (*env_->sink)(std::string_view(log_buf_));
            } catch (...) {
            }
        }
    }

    void log_error(std::string_view what, std::exception_ptr p, bool with_message) noexcept {
        try {
            std::string message(what);
            message.append(describe_exception(std::move(p), with_message));
            log_message(message);
        } catch (...) {
        }
    }

    void log_message(std::string_view message) noexcept {
        try {
            format_error_line(log_buf_, std::chrono::system_clock::now(), remote(), message);
            (*env_->sink)(std::string_view(log_buf_));
        } catch (...) {
        }
    }

    Stream stream_;
    struct no_deadline {
        explicit no_deadline(const auto&) noexcept {}
    };
    using deadline_type = std::conditional_t<timed_stream<Stream>, lazy_deadline<typename Stream::executor_type>, no_deadline>;
    deadline_type deadline_{stream_.get_executor()};
    const env_type* env_;
    boost::beast::flat_buffer buffer_;
    arena arena_{4096};
    std::optional<parser_type> parser_;
    std::optional<http_response> res_;
    route_plan plan_;
    using tracked_executor = std::decay_t<decltype(boost::asio::prefer(
        std::declval<Stream&>().get_executor(), boost::asio::execution::outstanding_work.tracked))>;
    std::optional<tracked_executor> back_;   // set while the request waits on a work queue
    std::uint64_t charged_ = 0;              // bytes taken from env_->budget for this exchange
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::string log_buf_;
    connection_set::hook hook_;
    std::array<char, 46> remote_{};   // INET6_ADDRSTRLEN
    std::size_t remote_len_ = 0;
    state state_ = state::reading;
    bool secure_ = false;
    bool stopping_ = false;
    bool close_after_write_ = false;
    bool log_request_line_ = true;
};

} // namespace warden::detail

#endif
