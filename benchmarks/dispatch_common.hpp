// What every dispatch case shares: a memory store holding alice and one token, the
// parsed requests (`GET /api/profile/` with `Authorization: Token <key>`, `GET
// /api/ping/`, `GET /api/service/` with an `X-Api-Key`), the views that answer them,
// and the serializer that turns a response into bytes.
#ifndef WARDEN_BENCHMARKS_DISPATCH_COMMON_HPP
#define WARDEN_BENCHMARKS_DISPATCH_COMMON_HPP

#include <warden.hpp>
#include <warden/token/auth.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/token/tokens.hpp>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bench {

/// The tutorial's ProfileAPI, as the reference site defines it.
struct profile_api : warden::api_view<warden::authentication<warden::token_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request& req) {
        return warden::json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

inline warden::settings bench_settings() {
    warden::settings s;
    s.secret_key = "benchmark-secret";
    return s;
}

/// The pipeline case's constant body (`allow_any`, no authenticator).
inline constexpr std::string_view ping_body = R"({"ping":"pong"})";
/// The chain case's body and the service key its third authenticator accepts.
inline constexpr std::string_view service_body = R"({"status":"ok"})";
inline constexpr std::string_view service_key = "bench-service-key-6b1f0c2e9d4a7358";
/// The user the service key stands for (not staff, active).
inline const std::shared_ptr<const warden::user>& service_user() {
    static const auto u = [] {
        auto p = std::make_shared<warden::user>();
        p->id = 2;
        p->username = "svc";
        p->is_active = true;
        return std::shared_ptr<const warden::user>(std::move(p));
    }();
    return u;
}

/// alice (id 1) and one token of hers; the requests of the three kinds of case, parsed
/// by Beast.
struct dispatch_fixture {
    warden::memory_store store;
    std::string key;
    std::string raw_request;
    warden::http_request msg;          // GET /api/profile/, Authorization: Token <key>
    warden::http_request ping_msg;     // GET /api/ping/
    warden::http_request service_msg;  // GET /api/service/, X-Api-Key: <service_key>

    dispatch_fixture() {
        warden::user u;
        u.username = "alice";
        u.email = "alice@example.com";
        u.is_active = true;
        if (store.create_user(u)) throw std::runtime_error("create_user failed");
        auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (warden::token::issue(store, u.id, bench_settings(), now, key)) throw std::runtime_error("token::issue failed");
        raw_request = "GET /api/profile/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n"
                      "Authorization: Token " + key + "\r\n\r\n";
        msg = parse(raw_request);
        ping_msg = parse("GET /api/ping/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n");
        service_msg = parse("GET /api/service/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n"
                            "X-Api-Key: " + std::string(service_key) + "\r\n\r\n");
    }

    static warden::http_request parse(std::string_view text) {
        namespace http = boost::beast::http;
        http::request_parser<http::string_body, warden::detail::arena_allocator<char>> p;
        boost::beast::error_code ec;
        p.eager(true);
        p.put(boost::asio::buffer(text.data(), text.size()), ec);
        if (ec || !p.is_done()) throw std::runtime_error("the benchmark request does not parse");
        return p.release();
    }
};

/// Serializes `res` with Beast's serializer into `out` (cleared first): the bytes the
/// server sends. (The server builds the head with its own writer,
/// server/detail/response_head.hpp, at a fraction of the cost; every case here keeps
/// Beast's, so the floor is the one these ratios have always been measured against.)
template <class Body, class Fields>
void serialize(boost::beast::http::response<Body, Fields>& res, std::string& out) {
    namespace http = boost::beast::http;
    out.clear();
    http::serializer<false, Body, Fields> sr{res};
    boost::beast::error_code ec;
    do {
        sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
            std::size_t n = 0;
            for (auto b : boost::beast::buffers_range_ref(buffers)) {
                out.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            sr.consume(n);
        });
    } while (!ec && !sr.is_done());
    if (ec) throw std::runtime_error("serialization failed");
}

/// The profile case's body.
inline constexpr std::string_view profile_body_text = R"({"username":"alice","email":"alice@example.com"})";

/// The response a case must produce (checked once before timing): 200, the Allow and
/// Content-Type headers, and `body`.
inline bool is_expected(std::string_view wire, std::string_view body = profile_body_text) {
    return wire.starts_with("HTTP/1.1 200 OK\r\n") &&
           wire.find("\r\nAllow: GET, HEAD, OPTIONS\r\n") != std::string_view::npos &&
           wire.find("\r\nContent-Type: application/json\r\n") != std::string_view::npos &&
           wire.ends_with("\r\n\r\n" + std::string(body));
}

} // namespace bench

#endif
