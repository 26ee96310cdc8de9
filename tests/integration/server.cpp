// The server over real sockets on 127.0.0.1 (ephemeral ports): limits, timeouts, the
// blocking pool, graceful stop, SIGTERM through serve() in a forked process, TLS with a
// certificate made at test time. No timing assertions: the tests check the order of
// events, with generous failsafe timeouts so a bug fails instead of hanging.
#include <warden.hpp>
#include <warden/server/serve.hpp>
#include <warden/server/server.hpp>
#include <warden/test/stream_client.hpp>

#include <support/backends.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

using namespace warden;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// A gate a blocking handler waits at until the test opens it (or a failsafe passes).
std::atomic<int> gate_entered{0};
std::atomic<int> gate_finished{0};
std::atomic<bool> gate_open{false};
std::atomic<bool> gate_announce{false};

void reset_gate() {
    gate_entered = 0;
    gate_finished = 0;
    gate_open = false;
}

template <class Pred>
bool eventually(Pred p, std::chrono::seconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!p()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

struct hello_view : api_view<authentication<>> {
    response get(request&) { return json({{"hello", "world"}}); }
    response post(request& req) { return json({{"received", static_cast<std::int64_t>(req.body().size())}}); }
};

struct peer_view : api_view<authentication<>> {
    response get(request& req) {
        return json({{"remote", std::string(req.remote_address())}, {"secure", req.is_secure()}});
    }
};

// Simulates a slow password hash: blocks its thread until the gate opens.
struct gate_view : api_view<authentication<>> {
    static constexpr bool may_block = true;
    response get(request&) {
        ++gate_entered;
        if (gate_announce) {
            std::fputs("gate entered\n", stderr);
            std::fflush(stderr);
        }
        bool opened = eventually([] { return gate_open.load(); });
        ++gate_finished;
        return json({{"gate", opened ? "opened" : "failsafe"}});
    }
};

// Stands for a store whose calls block (a database): routes using it go to the
// blocking pool, not the hashing pool.
struct blocking_service {
    using provides = warden::provides<users_tag>;
    static constexpr bool blocking = true;
};

struct store_view : api_view<authentication<>> {
    using requires_services = services<users_tag>;
    response get(request&) { return json({{"store", "answered"}}); }
};

auto make_site() {
    return app<defaults<parsers<json_parser>>, route<"/hello/", hello_view>, route<"/peer/", peer_view>,
               route<"/gate/", gate_view>, route<"/store/", store_view>>(blocking_service{});
}
using site_type = decltype(make_site());
using test_server = server<site_type, test::memory_log>;

server_options local(std::chrono::milliseconds timeout = 10s) {
    server_options o;
    o.port = 0;
    o.threads = 2;
    o.blocking_threads = 2;
    o.timeout = timeout;
    return o;
}

std::string get(std::string_view path, std::string_view extra = {}) {
    std::string r = "GET ";
    r.append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n").append(extra).append("\r\n");
    return r;
}

// A client connection with a failsafe on every operation.
template <class Stream>
class basic_conn {
public:
    template <class... Args>
    explicit basic_conn(Args&... args) : stream_(ioc_, args...) {}

    beast::error_code connect(std::uint16_t port) {
        beast::error_code out;
        lowest().expires_after(10s);
        lowest().async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) { out = ec; });
        run();
        return out;
    }

    beast::error_code handshake() {
        beast::error_code out;
        lowest().expires_after(10s);
        stream_.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) { out = ec; });
        run();
        return out;
    }

    beast::error_code write(std::string_view bytes) {
        beast::error_code out;
        lowest().expires_after(10s);
        net::async_write(stream_, net::buffer(bytes.data(), bytes.size()), [&](beast::error_code ec, std::size_t) { out = ec; });
        run();
        return out;
    }

    std::optional<http::response<http::string_body>> read(bool head = false) {
        http::response_parser<http::string_body> p;
        p.skip(head);
        p.body_limit(boost::none);
        beast::error_code out;
        lowest().expires_after(10s);
        http::async_read(stream_, buffer_, p, [&](beast::error_code ec, std::size_t) { out = ec; });
        run();
        if (out) return std::nullopt;
        return p.release();
    }

    std::optional<http::response<http::string_body>> request(std::string_view bytes) {
        if (write(bytes)) return std::nullopt;
        return read();
    }

    // Reads until the server closes the connection: true when it did (end of stream or
    // reset), false when the failsafe fired first.
    bool closed_by_server(std::chrono::seconds failsafe = 10s) {
        lowest().expires_after(failsafe);
        beast::error_code out;
        for (;;) {
            stream_.async_read_some(buffer_.prepare(4096), [&](beast::error_code ec, std::size_t n) {
                out = ec;
                buffer_.commit(n);
            });
            run();
            if (out) break;
        }
        return out != beast::error::timeout;
    }

    // Closes the client's end (a server lingering after its last response then sees it).
    void close() { lowest().close(); }

    Stream& stream() noexcept { return stream_; }

private:
    auto& lowest() { return beast::get_lowest_layer(stream_); }
    void run() {
        ioc_.restart();
        ioc_.run();
    }

    net::io_context ioc_;
    Stream stream_;
    beast::flat_buffer buffer_;
};
using conn = basic_conn<beast::tcp_stream>;
using tls_conn = basic_conn<ssl::stream<beast::tcp_stream>>;

// Two requests to the gate on a server with one hashing thread: the first runs (held at
// the gate), the second waits in the hashing queue. join() opens the gate and collects.
class held_and_queued {
public:
    explicit held_and_queued(std::uint16_t port) {
        first_ = std::thread([this, port] {
            conn c;
            if (!c.connect(port)) running = c.request(get("/gate/"));
        });
        ready = eventually([] { return gate_entered.load() == 1; });
        if (!ready) return;
        second_ = std::thread([this, port] {
            conn c;
            if (c.connect(port) || c.write(get("/gate/"))) return;
            sent_ = true;
            queued = c.read();
        });
        ready = eventually([&] { return sent_.load(); });
    }
    held_and_queued(const held_and_queued&) = delete;
    held_and_queued& operator=(const held_and_queued&) = delete;
    ~held_and_queued() { join(); }

    void join() {
        gate_open = true;
        if (first_.joinable()) first_.join();
        if (second_.joinable()) second_.join();
    }

    bool ready = false;
    std::optional<http::response<http::string_body>> running, queued;

private:
    std::thread first_, second_;
    std::atomic<bool> sent_{false};
};

std::size_t count_of(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

bool serves(std::uint16_t port) {
    conn c;
    if (c.connect(port)) return false;
    auto r = c.request(get("/hello/"));
    return r && r->result_int() == 200 && r->body() == R"({"hello":"world"})";
}

} // namespace

TEST_CASE("the server binds an ephemeral port, serves keep-alive requests and stops", "[integration][server]") {
    auto site = make_site();
    test_server srv{site, local()};
    srv.start();
    REQUIRE(srv.port() != 0);
    conn c;
    REQUIRE_FALSE(c.connect(srv.port()));
    for (int i = 0; i < 3; ++i) {
        auto r = c.request(get("/hello/"));
        REQUIRE(r);
        CHECK(r->result_int() == 200);
        CHECK(r->body() == R"({"hello":"world"})");
        CHECK(r->count(http::field::date) == 1);
        CHECK(r->keep_alive());
    }
    auto peer = c.request(get("/peer/"));
    REQUIRE(peer);
    CHECK(peer->body() == R"({"remote":"127.0.0.1","secure":false})");
    srv.stop();
    CHECK(c.closed_by_server());
    c.close();
    srv.wait();
}

TEST_CASE("over sockets: oversized header 431, oversized body 413, garbage 400; each closes and the server keeps serving", "[integration][server]") {
    auto site = make_site();
    auto o = local();
    o.header_limit = 1024;
    o.body_limit = 1024;
    test_server srv{site, o};
    srv.start();

    {
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        auto r = c.request(get("/hello/", "X-Big: " + std::string(4096, 'a') + "\r\n"));
        REQUIRE(r);
        CHECK(r->result_int() == 431);
        CHECK(r->body() == R"({"detail":"Request header fields too large."})");
        CHECK_FALSE(r->keep_alive());
        CHECK(c.closed_by_server());
    }
    CHECK(serves(srv.port()));
    {
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        auto r = c.request("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n");
        REQUIRE(r);
        CHECK(r->result_int() == 413);
        CHECK(r->body() == R"({"detail":"Request body too large."})");
        CHECK(c.closed_by_server());
    }
    CHECK(serves(srv.port()));
    {
        // The client sends a 2 MiB chunked body before reading: the server answers 413
        // early and must keep reading (and discarding) rather than close with unread
        // data, which makes the kernel send a reset that destroys the 413 in transit.
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        std::string req = "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 64; ++i) req += "8000\r\n" + std::string(32768, 'x') + "\r\n";   // 2 MiB
        req += "0\r\n\r\n";
        REQUIRE_FALSE(c.write(req));
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->result_int() == 413);
        CHECK(c.closed_by_server());
    }
    CHECK(serves(srv.port()));
    {
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        auto r = c.request("\x16\x03\x01 not http at all\r\n\r\n");
        REQUIRE(r);
        CHECK(r->result_int() == 400);
        CHECK(r->body() == R"({"detail":"Malformed request."})");
        CHECK(c.closed_by_server());
    }
    CHECK(serves(srv.port()));
    srv.stop();
    srv.wait();
}

TEST_CASE("an idle client and a client stalled mid-header are closed after the timeout", "[integration][server]") {
    auto site = make_site();
    test_server srv{site, local(200ms)};
    srv.start();
    {
        conn idle;
        REQUIRE_FALSE(idle.connect(srv.port()));
        CHECK(idle.closed_by_server());   // nothing sent: closed by the 200 ms timeout, not the 10 s failsafe
    }
    {
        conn slow;
        REQUIRE_FALSE(slow.connect(srv.port()));
        REQUIRE_FALSE(slow.write("GET /hello/ HTTP/1.1\r\nHo"));
        CHECK(slow.closed_by_server());
    }
    {
        conn kept;   // idle after a completed request: the keep-alive wait is bounded too
        REQUIRE_FALSE(kept.connect(srv.port()));
        auto r = kept.request(get("/hello/"));
        REQUIRE(r);
        CHECK(r->result_int() == 200);
        CHECK(kept.closed_by_server());
    }
    CHECK(serves(srv.port()));
    srv.stop();
    srv.wait();
}

TEST_CASE("the timeout bounds each step, not the connection: a steady client is never cut off", "[integration][server]") {
    // The connection's deadline moves with each request while its timer stays armed for
    // the first one: when that timer fires it must re-arm for the deadline set since,
    // not close. Ten requests 250 ms apart span 2.5 timeouts of 1 s (each gap leaves
    // 750 ms for a loaded machine's stalls).
    auto site = make_site();
    test_server srv{site, local(1s)};
    srv.start();
    conn steady;
    REQUIRE_FALSE(steady.connect(srv.port()));
    int served = 0;
    for (int i = 0; i < 10; ++i) {
        auto r = steady.request(get("/hello/"));
        if (!r || r->result_int() != 200) break;
        ++served;
        std::this_thread::sleep_for(250ms);
    }
    CHECK(served == 10);
    CHECK(steady.closed_by_server());   // then idle: closed by the timeout, not the failsafe
    srv.stop();
    srv.wait();
}

TEST_CASE("a blocking route does not stall a fast request on the same I/O thread", "[integration][server]") {
    reset_gate();
    auto site = make_site();
    auto o = local();
    o.threads = 1;   // one I/O thread: if the blocking handler ran on it, nothing else could
    test_server srv{site, o};
    srv.start();

    std::optional<http::response<http::string_body>> slow_response;
    std::thread slow_client([&] {
        conn c;
        if (!c.connect(srv.port())) slow_response = c.request(get("/gate/"));
    });
    REQUIRE(eventually([] { return gate_entered.load() == 1; }));

    conn fast;
    std::optional<http::response<http::string_body>> r;
    if (!fast.connect(srv.port())) r = fast.request(get("/hello/"));
    int finished_before = gate_finished;
    gate_open = true;
    slow_client.join();
    REQUIRE(r);
    CHECK(r->result_int() == 200);
    CHECK(finished_before == 0);   // answered while the blocking handler was still running
    REQUIRE(slow_response);
    CHECK(slow_response->body() == R"({"gate":"opened"})");
    srv.stop();
    srv.wait();
}

namespace {

// Where a handler ran: the I/O thread (an inline route) or a pool thread.
std::atomic<std::thread::id> handler_thread;

struct where_view : api_view<authentication<>> {
    response get(request&) {
        handler_thread = std::this_thread::get_id();
        return json({{"where", "here"}});
    }
};
struct token_view : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        handler_thread = std::this_thread::get_id();
        return json({{"username", req.user().username}});
    }
};

// One I/O thread and one blocking thread; the thread ids of an inline route's handler
// and of a token route's handler.
struct inline_reads_probe {
    warden_test::temp_db file;
    // A short busy timeout: a request waiting for the only connection gives up soon.
    sqlite_store db{file.path(), {.busy_timeout = std::chrono::milliseconds{300}, .pool_size = 1}};
    std::string key;

    inline_reads_probe() {
        user alice;
        alice.username = "alice";
        alice.is_active = true;
        REQUIRE_FALSE(db.create_user(alice));
        REQUIRE_FALSE(token::issue(db, alice.id, settings{}, 1, key));
    }
    auto make_site() { return app<route<"/where/", where_view>, route<"/token/", token_view>>(db); }
    std::string token_request() const { return get("/token/", "Authorization: Token " + key + "\r\n"); }
};

} // namespace

TEST_CASE("a route that only reads SQLite runs on the I/O thread when a connection is idle, else on the pool",
          "[integration][server][inline]") {
    inline_reads_probe probe;
    auto site = probe.make_site();
    REQUIRE(decltype(site)::work_of([] { http_request m; m.target("/token/"); return m; }()) == work_kind::store_read);
    for (bool inline_reads : {true, false}) {
        auto o = local();
        o.threads = 1;
        o.blocking_threads = 1;
        o.inline_reads = inline_reads;
        server<decltype(site), test::memory_log> srv{site, o};
        srv.start();
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        auto here = c.request(get("/where/"));
        REQUIRE(here);
        const auto io_thread = handler_thread.load();
        auto r = c.request(probe.token_request());
        REQUIRE(r);
        CHECK(r->result_int() == 200);
        CHECK(r->body() == R"({"username":"alice"})");
        CHECK((handler_thread.load() == io_thread) == inline_reads);

        if (inline_reads) {
            // The store's only connection is held by this thread for the whole request:
            // the I/O thread cannot reserve it, so the request goes to the pool, whose
            // thread waits for a connection up to the busy timeout and answers 503. (Had
            // it run inline it could not have waited. That the pool's wait ends when the
            // connection is given back is tested with the store, tests/unit/store/sqlite.cpp.)
            handler_thread = std::thread::id{};
            REQUIRE(probe.db.try_reserve_reader());
            std::optional<http::response<http::string_body>> queued;
            std::thread client([&] {
                conn q;
                if (!q.connect(srv.port())) queued = q.request(probe.token_request());
            });
            client.join();
            probe.db.release_reader();
            REQUIRE(queued);
            CHECK(queued->result_int() == 503);
            CHECK(queued->count(http::field::retry_after) == 1);
            CHECK(handler_thread.load() == std::thread::id{});   // refused before the handler
        }
        srv.stop();
        srv.wait();
    }
}

TEST_CASE("password hashing has its own bounded queue: past it 503 at once, and store routes keep being served", "[integration][server][limits]") {
    reset_gate();
    auto site = make_site();
    REQUIRE(decltype(site)::work_of([] { http_request m; m.target("/gate/"); return m; }()) == work_kind::hashing);
    REQUIRE(decltype(site)::work_of([] { http_request m; m.target("/store/"); return m; }()) == work_kind::blocking);
    REQUIRE(decltype(site)::work_of([] { http_request m; m.target("/g%61te/"); return m; }()) == work_kind::hashing);
    auto o = local();
    o.hashing_threads = 1;
    o.hashing_queue = 1;
    o.blocking_threads = 1;
    test_server srv{site, o};
    srv.start();

    // One hash runs (held at the gate) and one waits: the queue is full.
    held_and_queued pair{srv.port()};
    REQUIRE(pair.ready);

    // Further hashing requests are refused at once, while the gate is still closed
    // (a refusal after queueing could only come after the gate opened).
    int refused = 0;
    REQUIRE(eventually([&] {
        conn c;
        if (c.connect(srv.port())) return false;
        auto r = c.request(get("/gate/"));
        if (r && r->result_int() == 503) {
            ++refused;
            CHECK(r->body() == R"({"detail":"Server busy, try again later."})");
            CHECK((*r)[http::field::retry_after] == "1");
        }
        return refused > 0;
    }));
    // A route on the blocking store is served meanwhile: hashes do not queue ahead of it.
    conn store;
    REQUIRE_FALSE(store.connect(srv.port()));
    auto r = store.request(get("/store/"));
    REQUIRE(r);
    CHECK(r->body() == R"({"store":"answered"})");
    CHECK(gate_finished == 0);

    pair.join();
    REQUIRE(pair.running);
    CHECK(pair.running->result_int() == 200);
    REQUIRE(pair.queued);
    CHECK(pair.queued->result_int() == 200);   // the queued hash ran once the thread was free
    srv.stop();
    srv.wait();
}

TEST_CASE("a request that waited in a queue past queue_timeout is answered 503 instead of being run", "[integration][server][limits]") {
    reset_gate();
    auto site = make_site();
    auto o = local();
    o.hashing_threads = 1;
    o.queue_timeout = 50ms;
    test_server srv{site, o};
    srv.start();
    held_and_queued pair{srv.port()};
    REQUIRE(pair.ready);
    std::this_thread::sleep_for(2s);   // far past the 50 ms deadline of the queued request
    pair.join();
    REQUIRE(pair.running);
    CHECK(pair.running->result_int() == 200);
    REQUIRE(pair.queued);
    CHECK(pair.queued->result_int() == 503);
    CHECK(gate_entered == 1);   // the expired request never reached the handler
    srv.stop();
    srv.wait();
}

TEST_CASE("past max_connections a new connection is closed at once and the existing ones are served", "[integration][server][limits]") {
    auto site = make_site();
    auto o = local();
    o.max_connections = 2;
    test::memory_log log;
    server<site_type, test::memory_log> srv{site, o, log};
    srv.start();
    conn a, b;
    REQUIRE_FALSE(a.connect(srv.port()));
    REQUIRE_FALSE(b.connect(srv.port()));
    REQUIRE(a.request(get("/hello/")));
    REQUIRE(b.request(get("/hello/")));
    for (int i = 0; i < 3; ++i) {
        conn extra;
        REQUIRE_FALSE(extra.connect(srv.port()));   // the kernel accepts; the server closes
        CHECK(extra.closed_by_server());
    }
    auto ra = a.request(get("/hello/"));
    auto rb = b.request(get("/hello/"));
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(ra->result_int() == 200);
    CHECK(rb->result_int() == 200);
    a.close();
    REQUIRE(eventually([&] { return serves(srv.port()); }));   // a slot is free again
    b.close();
    srv.stop();
    srv.wait();
    auto text = log.text();
    CHECK(count_of(text, "connection limit reached") == 1);   // one line for the flood, not one per connection
}

TEST_CASE("the buffer budget is shared: slow uploads past max_buffered_bytes are refused, the server stays small", "[integration][server][limits]") {
    auto site = make_site();
    auto o = local();
    o.max_buffered_bytes = 3 * 1024 * 1024;   // three 1 MiB bodies at once
    test_server srv{site, o};
    srv.start();
    const std::string upload =   // declares 1 MiB and sends only part of it
        "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n" +
        std::string(1000, 'x');
    std::vector<std::unique_ptr<conn>> holding;
    for (std::uint64_t i = 1; i <= 3; ++i) {
        auto c = std::make_unique<conn>();
        REQUIRE_FALSE(c->connect(srv.port()));
        REQUIRE_FALSE(c->write(upload));
        REQUIRE(eventually([&] { return srv.buffered_bytes() == i * 1024 * 1024; }));
        holding.push_back(std::move(c));
    }
    for (int i = 0; i < 3; ++i) {   // the budget is spent: refused at the header
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        auto r = c.request(upload);
        REQUIRE(r);
        CHECK(r->result_int() == 503);
        CHECK(c.closed_by_server());
    }
    CHECK(srv.buffered_bytes() == 3 * 1024 * 1024);
    holding.clear();   // the uploads give up: their bytes return to the budget
    REQUIRE(eventually([&] { return srv.buffered_bytes() == 0; }));
    REQUIRE(eventually([&] {
        conn c;
        if (c.connect(srv.port())) return false;
        auto r = c.request("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        return r && r->result_int() == 200;
    }));
    srv.stop();
    srv.wait();
}

TEST_CASE("stop() finishes an in-flight response, closes idle connections, then the server exits", "[integration][server]") {
    reset_gate();
    auto site = make_site();
    test_server srv{site, local()};
    srv.start();
    auto port = srv.port();

    conn idle;   // a keep-alive connection with nothing in flight
    REQUIRE_FALSE(idle.connect(port));
    REQUIRE(idle.request(get("/hello/")));

    std::optional<http::response<http::string_body>> slow_response;
    std::thread slow_client([&] {
        conn c;
        if (!c.connect(port)) slow_response = c.request(get("/gate/"));
    });
    REQUIRE(eventually([] { return gate_entered.load() == 1; }));

    srv.stop();
    bool idle_closed = idle.closed_by_server();
    int finished_before = gate_finished;
    gate_open = true;
    slow_client.join();
    CHECK(idle_closed);
    CHECK(finished_before == 0);   // still in flight when the idle connection was closed
    REQUIRE(slow_response);
    CHECK(slow_response->result_int() == 200);
    CHECK(slow_response->body() == R"({"gate":"opened"})");
    CHECK_FALSE(slow_response->keep_alive());   // Connection: close while stopping
    srv.wait();

    conn late;
    CHECK(late.connect(port));   // no longer listening
}

TEST_CASE("a graceful stop gives up on a stuck request after the grace period", "[integration][server]") {
    reset_gate();
    auto site = make_site();
    auto o = local();
    o.shutdown_grace = 100ms;
    test_server srv{site, o};
    srv.start();
    conn c;
    REQUIRE_FALSE(c.connect(srv.port()));
    REQUIRE_FALSE(c.write(get("/gate/")));
    REQUIRE(eventually([] { return gate_entered.load() == 1; }));
    srv.stop();
    // wait() joins the blocking pool, so it returns only after the handler ends: run it
    // aside, see the connection force-closed at the deadline, then let the handler end.
    std::thread waiter([&] { srv.wait(); });
    bool closed = c.closed_by_server();
    int finished_before = gate_finished;
    gate_open = true;
    waiter.join();
    CHECK(closed);
    CHECK(finished_before == 0);   // closed at the deadline while the handler still ran
}

TEST_CASE("the access log over sockets has the request line without query values or credentials", "[integration][server]") {
    auto site = make_site();
    test::memory_log log;
    {
        test_server srv{site, local(), log};
        srv.start();
        conn c;
        REQUIRE_FALSE(c.connect(srv.port()));
        REQUIRE(c.request(get("/hello/?api_key=s3cr3t", "Authorization: Bearer s3cr3t\r\nCookie: sessionid=s3cr3t\r\n")));
        c.close();
        srv.stop();
        srv.wait();
    }
    auto text = log.text();
    INFO(text);
    CHECK(text.find(" 127.0.0.1 GET /hello/?api_key 200 17 ") != std::string::npos);
    CHECK(text.find("s3cr3t") == std::string::npos);
}

TEST_CASE("serve() stops on SIGTERM after finishing the in-flight response and returns 0", "[integration][server]") {
    reset_gate();
    int err[2];
    REQUIRE(::pipe(err) == 0);
    std::fflush(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(err[1], 2);
        ::close(err[0]);
        ::close(err[1]);
        int code = 3;
        try {
            // The gate opens when SIGTERM arrives: a second signal_set sees it too.
            net::io_context watch;
            net::signal_set term{watch, SIGTERM};
            term.async_wait([](beast::error_code ec, int) {
                if (!ec) gate_open = true;
            });
            std::thread watcher([&] { watch.run(); });
            gate_announce = true;
            auto site = make_site();
            server_options o;
            o.port = 0;
            o.threads = 2;
            o.blocking_threads = 2;
            code = serve(site, o);
            watcher.join();
        } catch (...) {
            code = 4;
        }
        ::_exit(code);
    }
    ::close(err[1]);

    std::string output;
    auto read_until = [&](std::string_view needle) {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (output.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd p{err[0], POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buf[512];
            auto n = ::read(err[0], buf, sizeof buf);
            if (n <= 0) break;
            output.append(buf, static_cast<std::size_t>(n));
        }
        return output.find(needle) != std::string::npos;
    };
    auto finish_child = [&] {
        int status = 0;
        for (int i = 0; i < 2000; ++i) {
            if (::waitpid(pid, &status, WNOHANG) == pid) return status;
            std::this_thread::sleep_for(10ms);
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return -1;
    };

    bool listening = read_until("/\n");
    INFO(output);
    if (!listening) {
        finish_child();
        FAIL("the child server did not report its port");
    }
    auto at = output.find("listening on http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    auto port = static_cast<std::uint16_t>(std::stoi(output.substr(at + 30)));

    conn c;
    REQUIRE_FALSE(c.connect(port));
    REQUIRE_FALSE(c.write(get("/gate/")));
    bool entered = read_until("gate entered\n");
    if (entered) ::kill(pid, SIGTERM);
    auto r = c.read();
    bool closed = r && c.closed_by_server();
    c.close();
    int status = finish_child();
    read_until("warden: stopped\n");
    ::close(err[0]);
    INFO(output);
    REQUIRE(entered);
    REQUIRE(r);
    CHECK(r->result_int() == 200);
    CHECK(r->body() == R"({"gate":"opened"})");
    CHECK(closed);
    REQUIRE(status != -1);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(output.find("warden: stopped\n") != std::string::npos);
    CHECK(output.find(" GET /gate/ 200 ") != std::string::npos);   // the default sink: stderr
}

namespace {

// A self-signed certificate for 127.0.0.1, made with the OpenSSL API in a temporary
// folder that is removed afterwards (no private key is committed).
struct temp_cert {
    std::filesystem::path dir;
    std::filesystem::path cert;
    std::filesystem::path key;
    std::string cert_pem;

    temp_cert() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "warden-tls-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()));
        dir = tmpl;
        cert = dir / "cert.pem";
        key = dir / "key.pem";

        EVP_PKEY* pkey = EVP_EC_gen("P-256");
        REQUIRE(pkey);
        X509* x = X509_new();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -60);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_set_pubkey(x, pkey);
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
        X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
        REQUIRE(san);
        X509_add_ext(x, san, -1);
        X509_EXTENSION_free(san);
        REQUIRE(X509_sign(x, pkey, EVP_sha256()) > 0);

        FILE* kf = std::fopen(key.c_str(), "w");
        REQUIRE(kf);
        PEM_write_PrivateKey(kf, pkey, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(kf);
        FILE* cf = std::fopen(cert.c_str(), "w");
        REQUIRE(cf);
        PEM_write_X509(cf, x);
        std::fclose(cf);
        BIO* mem = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(mem, x);
        char* data = nullptr;
        long len = BIO_get_mem_data(mem, &data);
        cert_pem.assign(data, static_cast<std::size_t>(len));
        BIO_free(mem);
        X509_free(x);
        EVP_PKEY_free(pkey);
    }
    ~temp_cert() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    temp_cert(const temp_cert&) = delete;
    temp_cert& operator=(const temp_cert&) = delete;
};

ssl::context client_context(const temp_cert& c, int max_version = 0) {
    ssl::context ctx{ssl::context::tls_client};
    ctx.add_certificate_authority(net::buffer(c.cert_pem));
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    if (max_version) {
        SSL_CTX_set_security_level(ctx.native_handle(), 0);
        SSL_CTX_set_min_proto_version(ctx.native_handle(), 0);
        SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
    }
    return ctx;
}

} // namespace

TEST_CASE("TLS: a verified TLS 1.2+ client is served with connection_info.secure; old TLS and plain HTTP are refused", "[integration][server][tls]") {
    temp_cert cert;
    auto site = make_site();
    auto o = local();
    o.tls = tls_options{cert.cert.string(), cert.key.string()};
    o.header_limit = 1024;
    test_server srv{site, o};
    srv.start();

    {
        auto ctx = client_context(cert);
        tls_conn c{ctx};
        REQUIRE_FALSE(c.connect(srv.port()));
        REQUIRE_FALSE(c.handshake());
        auto r = c.request(get("/peer/"));
        REQUIRE(r);
        CHECK(r->body() == R"({"remote":"127.0.0.1","secure":true})");
        CHECK(r->count(http::field::date) == 1);
        auto again = c.request(get("/hello/"));   // keep-alive over TLS
        REQUIRE(again);
        CHECK(again->result_int() == 200);
        auto big = c.request(get("/hello/", "X-Big: " + std::string(4096, 'a') + "\r\n"));
        REQUIRE(big);
        CHECK(big->result_int() == 431);
        CHECK(c.closed_by_server());
    }
    {
        auto ctx = client_context(cert, TLS1_2_VERSION);
        tls_conn c{ctx};
        REQUIRE_FALSE(c.connect(srv.port()));
        REQUIRE_FALSE(c.handshake());
        const SSL* s = c.stream().native_handle();
        CHECK(SSL_version(s) == TLS1_2_VERSION);
        auto r = c.request(get("/hello/"));
        REQUIRE(r);
        CHECK(r->result_int() == 200);
    }
    {
        auto ctx = client_context(cert, TLS1_1_VERSION);
        tls_conn c{ctx};
        REQUIRE_FALSE(c.connect(srv.port()));
        CHECK(c.handshake());   // refused
    }
    {
        conn plain;   // plain HTTP on the TLS port: not a handshake, closed
        REQUIRE_FALSE(plain.connect(srv.port()));
        REQUIRE_FALSE(plain.write(get("/hello/")));
        CHECK(plain.closed_by_server());
    }
    {
        auto ctx = client_context(cert);   // and the server still serves
        tls_conn c{ctx};
        REQUIRE_FALSE(c.connect(srv.port()));
        REQUIRE_FALSE(c.handshake());
        auto r = c.request(get("/hello/"));
        REQUIRE(r);
        CHECK(r->result_int() == 200);
    }
    srv.stop();
    srv.wait();
}

TEST_CASE("start() reports unusable TLS files and a taken port as errors", "[integration][server][tls]") {
    auto site = make_site();
    auto o = local();
    o.tls = tls_options{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
    test_server bad_tls{site, o};
    std::error_code ec;
    bad_tls.start(ec);
    CHECK(ec);

    test_server first{site, local()};
    first.start();
    auto taken = local();
    taken.port = first.port();
    test_server second{site, taken};
    second.start(ec);
    CHECK(ec);
    first.stop();
    first.wait();
}
