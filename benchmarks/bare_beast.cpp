// bare_beast: the end-to-end ceiling. A minimal asynchronous Boost.Beast HTTP/1.1
// server that answers every request with alice's profile JSON, without routing,
// authentication or logging; keep-alive, one strand per connection, N I/O threads.
//
//   bare_beast [--port P] [--threads N]      (127.0.0.1; stops on SIGINT/SIGTERM)
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view body = R"({"username":"alice","email":"alice@example.com"})";

class session : public std::enable_shared_from_this<session> {
public:
    explicit session(tcp::socket s) : stream_(std::move(s)) {}
    void start() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

private:
    void read() {
        req_ = {};
        http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->respond();
        });
    }
    void respond() {
        res_ = {};
        res_.result(http::status::ok);
        res_.version(req_.version());
        res_.keep_alive(req_.keep_alive());
        res_.set(http::field::content_type, "application/json");
        res_.body().assign(body.data(), body.size());
        res_.prepare_payload();
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || !self->res_.keep_alive()) return self->close();
            self->read();
        });
    }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acc, asio::io_context& ioc) {
    acc.async_accept(asio::make_strand(ioc), [&acc, &ioc](beast::error_code ec, tcp::socket s) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            s.set_option(tcp::no_delay(true), ec);
            std::make_shared<session>(std::move(s))->start();
        }
        accept(acc, ioc);
    });
}

} // namespace

int main(int argc, char** argv) {
    unsigned short port = 8090;
    unsigned threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view a = argv[i];
        if (a == "--port") port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
        else if (a == "--threads") threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else {
            std::fprintf(stderr, "usage: bare_beast [--port P] [--threads N]\n");
            return 2;
        }
    }
    if (threads == 0) threads = 1;
    asio::io_context ioc{static_cast<int>(threads)};
    tcp::acceptor acc{ioc};
    tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
    beast::error_code ec;
    acc.open(ep.protocol(), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(ep, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        std::fprintf(stderr, "bare_beast: cannot listen on 127.0.0.1:%u: %s\n", port, ec.message().c_str());
        return 1;
    }
    accept(acc, ioc);
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    std::fprintf(stderr, "bare_beast: listening on http://127.0.0.1:%u/\n", port);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
    return 0;
}
