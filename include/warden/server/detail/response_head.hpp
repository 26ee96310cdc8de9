// The status line and header fields of a response, written into one buffer from the
// connection's arena, so that the server sends a response as two buffers (head and body)
// in one write. Beast's serializer produces the same bytes through a generic sequence
// of buffer views whose iteration cost about 18,700 instructions for the 48-byte JSON
// profile response with its four fields, half of a keep-alive request's work in user
// space (docs/benchmarks.md, finding 4).
#ifndef WARDEN_SERVER_DETAIL_RESPONSE_HEAD_HPP
#define WARDEN_SERVER_DETAIL_RESPONSE_HEAD_HPP

#include <warden/core/detail/arena.hpp>
#include <warden/core/http.hpp>

#include <cstddef>
#include <cstring>
#include <string_view>

namespace warden::detail {

// "HTTP/1.1 200 OK\r\n", each field as "Name: value\r\n", then "\r\n": what Beast's
// serializer writes for the head of `res`. Empty when `res` carries a Transfer-Encoding
// field, whose body Beast's serializer must encode (the server's responses have a
// Content-Length instead: prepare_payload removes "chunked").
inline std::string_view format_response_head(const http_response& res, arena& a) {
    const std::string_view reason = res.reason();
    std::size_t size = 13 + reason.size() + 2 + 2;   // "HTTP/1.1 200 " reason CRLF ... CRLF
    for (const auto& f : res) {
        if (f.name() == http::field::transfer_encoding) return {};
        size += f.name_string().size() + 2 + f.value().size() + 2;
    }
    char* const start = static_cast<char*>(a.allocate(size, 1));
    char* p = start;
    auto put = [&p](std::string_view s) {
        if (s.empty()) return;   // an empty view may hold a null pointer
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    };
    const unsigned version = res.version(), code = res.result_int();
    const char line[13] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10 % 10), '.',
                           static_cast<char>('0' + version % 10), ' ', static_cast<char>('0' + code / 100 % 10),
                           static_cast<char>('0' + code / 10 % 10), static_cast<char>('0' + code % 10), ' '};
    put({line, sizeof line});
    put(reason);
    put("\r\n");
    for (const auto& f : res) {
        put(f.name_string());
        put(": ");
        put(f.value());
        put("\r\n");
    }
    put("\r\n");
    return {start, static_cast<std::size_t>(p - start)};
}

} // namespace warden::detail

#endif
