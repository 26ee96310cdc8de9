// The server's response head against Beast's serializer: the same bytes.
#include <warden/server/detail/response_head.hpp>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace warden;

namespace {

// What Beast's serializer writes for `res`, head and body.
std::string beast_bytes(http_response& res) {
    http::serializer<false, http::string_body, fields> sr{res};
    std::string out;
    boost::beast::error_code ec;
    while (!sr.is_done()) {
        sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
            out += boost::beast::buffers_to_string(buffers);
            sr.consume(boost::beast::buffer_bytes(buffers));
        });
        REQUIRE_FALSE(ec);
    }
    return out;
}

std::string head_and_body(const http_response& res, detail::arena& a) {
    auto head = detail::format_response_head(res, a);
    REQUIRE_FALSE(head.empty());
    return std::string(head) + res.body();
}

} // namespace

TEST_CASE("the response head is the bytes Beast's serializer writes", "[server][response]") {
    detail::arena a{256};   // small blocks: some heads take the slow path
    auto check = [&](http_response res) {
        res.prepare_payload();
        CHECK(head_and_body(res, a) == beast_bytes(res));
    };
    http_response ok{http::status::ok, 11, R"({"username":"alice"})"};
    ok.set(http::field::content_type, "application/json");
    ok.set(http::field::allow, "GET, HEAD, OPTIONS");
    ok.set(http::field::date, "Mon, 07 Dec 2026 17:42:43 GMT");
    check(ok);

    http_response old{http::status::not_found, 10, ""};   // HTTP/1.0, no body
    old.keep_alive(true);
    check(old);

    http_response busy{http::status::service_unavailable, 11, R"({"detail":"Server busy, try again later."})"};
    busy.set(http::field::retry_after, "1");
    busy.keep_alive(false);
    check(busy);

    http_response custom{http::status::too_many_requests, 11, "x"};
    custom.insert("X-Custom-Header", "v1");
    custom.insert("x-custom-header", "v2");   // repeated, another case: both, in order
    custom.insert(http::field::set_cookie, "a=1; Path=/");
    custom.insert(http::field::set_cookie, "b=2; Path=/");
    custom.insert("X-Empty", "");   // an empty value
    check(custom);

    http_response odd{static_cast<http::status>(599), 11, std::string(5000, 'b')};   // an unknown code, a long body
    check(odd);
    http_response named{http::status::ok, 11, "y"};
    named.reason("Fine");   // a reason of its own
    check(named);
}

TEST_CASE("a response with a Transfer-Encoding is left to Beast's serializer", "[server][response]") {
    detail::arena a;
    http_response res{http::status::ok, 11, "abc"};
    res.chunked(true);
    CHECK(detail::format_response_head(res, a).empty());
    res.chunked(false);
    res.prepare_payload();
    CHECK_FALSE(detail::format_response_head(res, a).empty());
}
