// The server's connection code over beast::test::stream: raw bytes in, raw bytes out.
#include <warden.hpp>
#include <warden/server/impl/server_core.hpp>
#include <warden/test/stream_client.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

using namespace warden;

namespace {

struct hello_view : api_view<authentication<>> {
    response get(request&) { return json({{"hello", "world"}}); }
    response post(request& req) { return json({{"received", static_cast<std::int64_t>(req.body().size())}}); }
};

struct peer_view : api_view<authentication<>> {
    response get(request& req) {
        return json({{"remote", std::string(req.remote_address())}, {"secure", req.is_secure()}});
    }
};

struct throwing_view : api_view<authentication<>> {
    response get(request&) { throw 42; }   // not a std::exception: reaches the connection boundary
};

struct slow_view : api_view<authentication<>> {
    static constexpr bool may_block = true;
    response get(request&) { return json({{"slow", true}}); }
};

auto make_site() {
    return app<defaults<parsers<json_parser, form_parser, multipart_parser>>, route<"/hello/", hello_view>,
               route<"/peer/", peer_view>, route<"/throw/", throwing_view>, route<"/slow/", slow_view>>();
}
using site_type = decltype(make_site());

std::string get(std::string_view path, std::string_view extra = {}) {
    std::string r = "GET ";
    r.append(path).append(" HTTP/1.1\r\nHost: localhost\r\n").append(extra).append("\r\n");
    return r;
}

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

} // namespace

// No type erasure on the request path, down to the socket: Beast's tcp_stream would hold
// the connection's strand as an any_io_executor (copied and destroyed through function
// pointers on every operation).
TEST_CASE("connections run on their strand by its concrete type, not a type-erased executor", "[server]") {
    using executor = detail::connection_stream::executor_type;
    STATIC_REQUIRE(std::is_same_v<executor, boost::asio::strand<boost::asio::io_context::executor_type>>);
    STATIC_REQUIRE_FALSE(std::is_same_v<executor, boost::asio::any_io_executor>);
}

TEST_CASE("a request is answered with the app's response and a Date header", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange(get("/hello/"));
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
    CHECK(r->json() == boost::json::parse(R"({"hello":"world"})"));
    CHECK(r->header("Date").size() == 29);   // "Sun, 06 Nov 1994 08:49:37 GMT"
    CHECK(r->header("Date").ends_with(" GMT"));
    CHECK(out.empty());
    CHECK_FALSE(c.server_closed());
}

TEST_CASE("a header block over the limit is 431 with a JSON detail, then the connection closes", "[server][connection]") {
    auto site = make_site();
    server_options o;
    o.header_limit = 1024;
    test::stream_client c{site, o};
    auto out = c.exchange(get("/hello/", "X-Big: " + std::string(2000, 'a') + "\r\n"));
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 431);
    CHECK(r->detail() == "Request header fields too large.");
    CHECK(r->header("Content-Type") == "application/json");
    CHECK(r->header("Connection") == "close");
    CHECK(r->has_header("Date"));
    CHECK(c.server_closed());

    test::stream_client fits{site, o};
    auto ok = fits.exchange(get("/hello/", "X-Small: " + std::string(500, 'a') + "\r\n"));
    CHECK(test::take_response(ok)->status() == 200);
}

TEST_CASE("the default header limit is 16 KiB", "[server][connection]") {
    auto site = make_site();
    test::stream_client big{site};
    auto out = big.exchange(get("/hello/", "X-Big: " + std::string(17 * 1024, 'a') + "\r\n"));
    CHECK(test::take_response(out)->status() == 431);
    test::stream_client small{site};
    auto ok = small.exchange(get("/hello/", "X-Big: " + std::string(15 * 1024, 'a') + "\r\n"));
    CHECK(test::take_response(ok)->status() == 200);
}

TEST_CASE("a Content-Length over the body limit is 413 before the body is read, then close", "[server][connection]") {
    auto site = make_site();
    server_options o;
    o.body_limit = 100;
    test::stream_client c{site, o};
    auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 101\r\n\r\n");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 413);
    CHECK(r->detail() == "Request body too large.");
    CHECK(r->header("Connection") == "close");
    CHECK(c.server_closed());

    test::stream_client at_limit{site, o};
    std::string body = "{\"a\":\"" + std::string(92, 'x') + "\"}";
    auto ok = at_limit.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + body);
    auto r2 = test::take_response(ok);
    REQUIRE(r2);
    CHECK(r2->status() == 200);
    CHECK(r2->json().at("received") == 100);
}

TEST_CASE("a chunked body growing over the limit is 413 and close", "[server][connection]") {
    auto site = make_site();
    server_options o;
    o.body_limit = 100;
    test::stream_client c{site, o};
    std::string req = "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    req += "40\r\n" + std::string(64, 'x') + "\r\n" + "40\r\n" + std::string(64, 'x') + "\r\n0\r\n\r\n";
    auto out = c.exchange(req);
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 413);
    CHECK(c.server_closed());
}

TEST_CASE("the default body limit is 1 MiB", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n");
    CHECK(test::take_response(out)->status() == 413);
}

TEST_CASE("a chunked request body is accepted and reassembled", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "4\r\n{\"a\"\r\n5\r\n:123}\r\n0\r\n\r\n");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
    CHECK(r->json().at("received") == 9);
    CHECK_FALSE(c.server_closed());
}

TEST_CASE("malformed requests are 400 with a JSON detail and close the connection", "[server][connection]") {
    auto site = make_site();
    const char* cases[] = {
        "GARBAGE\r\n\r\n",                                                        // bad request line
        "GET /hello/ HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",                          // bad version
        "GET /hello/ HTTP/1.1\r\nHost: localhost\r\nBad Header: 1\r\n\r\n",               // space in a field name
        "GET /hello/ HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n",                     // no colon
        "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",   // bad chunk size
        "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",   // chunk longer than declared
        "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",       // conflicting lengths
        "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",   // smuggling shape
        "GET /hello/ HTTP/1.1\r\n\r\n",                                           // HTTP/1.1 without Host
        "GET /hello/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",                     // two Hosts
    };
    for (const char* raw : cases) {
        INFO(raw);
        test::stream_client c{site};
        auto out = c.exchange(raw);
        auto r = test::take_response(out);
        REQUIRE(r);
        CHECK(r->status() == 400);
        CHECK_FALSE(r->detail().empty());
        CHECK(r->header("Connection") == "close");
        CHECK(c.server_closed());
        CHECK(out.empty());   // nothing after the 400: a pipelined tail is not answered
    }
}

TEST_CASE("framing a front end could read differently is refused before the body and the tail is not answered (RFC 9112 6.1, 6.3)",
          "[server][connection][smuggling]") {
    auto site = make_site();
    const std::string hidden = get("/hello/");   // what a smuggler hides behind the first request
    struct attempt {
        const char* head;   // request line and header fields, without the blank line
        const char* body;
        unsigned status;
    };
    const attempt cases[] = {
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: xchunked", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, gzip", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked;ext=1", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: ", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: ,", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip", "", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, chunked", "0\r\n\r\n", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\nContent-Length: 2", "{}", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nTransfer-Encoding: identity", "{}", 400},
        {"POST /hello/ HTTP/1.0\r\nTransfer-Encoding: chunked", "2\r\n{}\r\n0\r\n\r\n", 400},
        {"POST /hello/ HTTP/1.0\r\nTransfer-Encoding: gzip\r\nContent-Length: 2", "{}", 400},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked", "2\r\n{}\r\n0\r\n\r\n", 501},
        {"POST /hello/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked", "2\r\n{}\r\n0\r\n\r\n", 501},
    };
    for (const auto& a : cases) {
        std::string raw = std::string(a.head) + "\r\n\r\n" + a.body + hidden;
        INFO(raw);
        test::stream_client c{site};
        auto out = c.exchange(raw);
        auto r = test::take_response(out);
        REQUIRE(r);
        CHECK(r->status() == a.status);
        CHECK_FALSE(r->detail().empty());
        CHECK(r->header("Connection") == "close");
        CHECK(out.empty());   // the hidden request gets no answer
        CHECK(c.server_closed());
    }
}

TEST_CASE("plain chunked framing still works, in any letter case and with optional white space", "[server][connection][smuggling]") {
    auto site = make_site();
    for (const char* te : {"chunked", "Chunked", "CHUNKED", " chunked ", "\tchunked", "chunked,", ", chunked"}) {
        INFO(te);
        test::stream_client c{site};
        auto out = c.exchange(std::string("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: ") +
                              te + "\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + get("/hello/"));
        auto first = test::take_response(out);
        auto second = test::take_response(out);
        REQUIRE(first);
        CHECK(first->status() == 200);
        CHECK(first->json().at("received") == 2);
        REQUIRE(second);
        CHECK(second->json().at("hello") == "world");
        CHECK_FALSE(c.server_closed());
    }
}

TEST_CASE("Content-Length forms other than one decimal number are 400 and close", "[server][connection][smuggling]") {
    auto site = make_site();
    for (const char* cl : {"+2", "-2", "0x2", "2 2", "2,3", "", "2.0", "99999999999999999999999"}) {
        INFO(cl);
        test::stream_client c{site};
        auto out = c.exchange(std::string("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ") +
                              cl + "\r\n\r\n{}" + get("/hello/"));
        auto r = test::take_response(out);
        REQUIRE(r);
        CHECK(r->status() == 400);
        CHECK(out.empty());
        CHECK(c.server_closed());
    }
}

TEST_CASE("a declared body larger than the server's buffer budget is 503 before it is read, then close", "[server][connection][limits]") {
    auto site = make_site();
    server_options o;
    o.max_buffered_bytes = 100;   // below body_limit: the budget, not the body limit, refuses
    test::stream_client c{site, o};
    auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 101\r\n\r\n");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 503);
    CHECK(r->detail() == "Server busy, try again later.");
    CHECK(r->header("Retry-After") == "1");
    CHECK(r->header("Connection") == "close");
    CHECK(c.server_closed());
    CHECK(c.buffered_bytes() == 0);
}

TEST_CASE("a chunked body growing past the buffer budget is 503 and close", "[server][connection][limits]") {
    auto site = make_site();
    server_options o;
    o.max_buffered_bytes = 100;
    test::stream_client c{site, o};
    c.send("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    auto out = c.exchange("40\r\n" + std::string(64, 'x') + "\r\n");
    CHECK(out.empty());   // 64 bytes fit: still reading
    CHECK(c.buffered_bytes() == 64);
    out += c.exchange("40\r\n" + std::string(64, 'x') + "\r\n");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 503);
    CHECK(c.server_closed());
    CHECK(c.buffered_bytes() == 0);
}

TEST_CASE("bodies within the buffer budget are served and their bytes given back after each exchange", "[server][connection][limits]") {
    auto site = make_site();
    server_options o;
    o.max_buffered_bytes = 100;
    test::stream_client c{site, o};
    for (int i = 0; i < 5; ++i) {   // five 90-byte bodies: only one at a time is held
        std::string body = "{\"a\":\"" + std::string(82, 'x') + "\"}";
        auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n" + body);
        auto r = test::take_response(out);
        REQUIRE(r);
        CHECK(r->status() == 200);
        CHECK(c.buffered_bytes() == 0);
    }
    auto out = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "2\r\n{}\r\n0\r\n\r\n");
    CHECK(test::take_response(out)->status() == 200);
    CHECK(c.buffered_bytes() == 0);
    CHECK_FALSE(c.server_closed());
}

TEST_CASE("pipelined requests are answered in order on one connection", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange(get("/hello/") + get("/peer/") + get("/missing/") +
                          "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    auto a = test::take_response(out);
    auto b = test::take_response(out);
    auto d = test::take_response(out);
    auto e = test::take_response(out);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(d);
    REQUIRE(e);
    CHECK(a->json().at("hello") == "world");
    CHECK(b->json().at("remote") == "127.0.0.1");
    CHECK(d->status() == 404);
    CHECK(e->json().at("received") == 2);
    CHECK(out.empty());
    CHECK_FALSE(c.server_closed());
}

TEST_CASE("keep-alive serves several exchanges on one connection", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    for (int i = 0; i < 3; ++i) {
        auto out = c.exchange(get("/hello/"));
        auto r = test::take_response(out);
        REQUIRE(r);
        CHECK(r->status() == 200);
        CHECK_FALSE(r->has_header("Connection"));
        CHECK_FALSE(c.server_closed());
    }
    c.close();
    CHECK(c.server_closed());
}

TEST_CASE("Connection: close is honoured: the response says close and the server closes", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange(get("/hello/", "Connection: close\r\n") + get("/hello/"));
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
    CHECK(r->header("Connection") == "close");
    CHECK(out.empty());   // the pipelined second request is not answered
    CHECK(c.server_closed());
}

TEST_CASE("HTTP/1.0 closes after the response unless it asks for keep-alive", "[server][connection]") {
    auto site = make_site();
    test::stream_client once{site};
    auto out = once.exchange("GET /hello/ HTTP/1.0\r\n\r\n");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
    CHECK(r->raw.version() == 10);
    CHECK(once.server_closed());

    test::stream_client kept{site};
    auto out2 = kept.exchange("GET /hello/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto r2 = test::take_response(out2);
    REQUIRE(r2);
    CHECK(r2->status() == 200);
    CHECK_FALSE(kept.server_closed());
}

TEST_CASE("HEAD gets GET's headers and Content-Length without a body", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto out = c.exchange("HEAD /hello/ HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/hello/"));
    auto head = test::take_response(out, true);
    REQUIRE(head);
    CHECK(head->status() == 200);
    CHECK(head->body().empty());
    auto full = test::take_response(out);   // parses only if HEAD really sent no body bytes
    REQUIRE(full);
    CHECK(head->header("Content-Length") == std::to_string(full->body().size()));
    CHECK(full->json().at("hello") == "world");
}

TEST_CASE("Expect: 100-continue gets an interim 100 before the final response", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    auto interim = c.exchange("POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
    auto out = c.exchange("{}");
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
    CHECK(r->json().at("received") == 2);
}

TEST_CASE("a request arriving a byte at a time is assembled", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    std::string req = get("/hello/");
    std::string out;
    for (char ch : req) out += c.exchange(std::string_view(&ch, 1));
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 200);
}

TEST_CASE("the app sees the connection's peer address and TLS flag", "[server][connection]") {
    auto site = make_site();
    test::stream_client plain{site};
    auto out = plain.exchange(get("/peer/"));
    CHECK(test::take_response(out)->json() == boost::json::parse(R"({"remote":"127.0.0.1","secure":false})"));
    test::stream_client tls{site, {}, {}, "203.0.113.9", true};
    auto out2 = tls.exchange(get("/peer/"));
    CHECK(test::take_response(out2)->json() == boost::json::parse(R"({"remote":"203.0.113.9","secure":true})"));
}

TEST_CASE("a handler exception that escapes the app is a 500 and a closed connection, logged by type only", "[server][connection]") {
    auto site = make_site();
    test::stream_client<site_type, test::memory_log> c{site};
    auto out = c.exchange(get("/throw/") + get("/hello/"));
    auto r = test::take_response(out);
    REQUIRE(r);
    CHECK(r->status() == 500);
    CHECK(r->detail() == "A server error occurred.");
    CHECK(r->header("Connection") == "close");
    CHECK(out.empty());
    CHECK(c.server_closed());
    auto log = c.sink().text();
    CHECK(log.find(" error: request handler threw int\n") != std::string::npos);
    CHECK(log.find(" GET /throw/ 500 ") != std::string::npos);

    test::stream_client next{site};   // and the server code keeps serving
    auto ok = next.exchange(get("/hello/"));
    CHECK(test::take_response(ok)->status() == 200);
}

TEST_CASE("a blocking route runs inline over the stream client", "[server][connection]") {
    auto site = make_site();
    test::stream_client c{site};
    http_request probe;
    probe.target("/slow/");
    CHECK(site_type::blocking(probe));
    auto out = c.exchange(get("/slow/"));
    CHECK(test::take_response(out)->json().at("slow") == true);
}

TEST_CASE("the access log has one line per request with no header values, bodies or query values", "[server][connection]") {
    auto site = make_site();
    test::stream_client<site_type, test::memory_log> c{site, {}, {}, "192.0.2.7"};
    auto out = c.exchange("GET /hello/?token=s3cr3t-query&page=2 HTTP/1.1\r\nHost: localhost\r\n"
                          "Authorization: Token s3cr3t-auth\r\nCookie: sessionid=s3cr3t-cookie\r\n\r\n"
                          "POST /hello/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                          "Proxy-Authorization: Basic s3cr3t-proxy\r\nContent-Length: 18\r\n\r\n{\"pw\":\"s3cr3t-pw\"}");
    REQUIRE(test::take_response(out));
    REQUIRE(test::take_response(out));
    auto log = c.sink().text();
    INFO(log);
    CHECK(count(log, "\n") == 2);
    CHECK(log.find("s3cr3t") == std::string::npos);
    CHECK(log.find("Authorization") == std::string::npos);
    CHECK(log.find("Cookie") == std::string::npos);
    CHECK(log.find(" 192.0.2.7 GET /hello/?token&page 200 17 ") != std::string::npos);
    CHECK(log.find(" 192.0.2.7 POST /hello/ 200 15 ") != std::string::npos);
}

TEST_CASE("limit and parse errors are logged without the request line", "[server][connection]") {
    auto site = make_site();
    server_options o;
    o.header_limit = 256;
    test::stream_client<site_type, test::memory_log> c{site, o};
    c.exchange("GET /s3cr3t HTTP/1.1\r\nHost: localhost\r\nCookie: " + std::string(400, 'c') + "\r\n\r\n");
    auto log = c.sink().text();
    CHECK(log.find(" 127.0.0.1 - - 431 ") != std::string::npos);
    CHECK(log.find("s3cr3t") == std::string::npos);
}

TEST_CASE("access_log = false writes no access lines", "[server][connection]") {
    auto site = make_site();
    server_options o;
    o.access_log = false;
    test::stream_client<site_type, test::memory_log> c{site, o};
    c.exchange(get("/hello/"));
    CHECK(c.sink().text().empty());
}
