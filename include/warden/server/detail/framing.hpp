// Request framing that Beast 1.81 accepts but RFC 9112 does not let a server trust.
//
// Beast takes a request body as chunked only when the last coding of a
// Transfer-Encoding field is "chunked"; any other Transfer-Encoding leaves the length
// to Content-Length, or to nothing (an empty body). A front end that reads the same
// bytes the other way then sees a different request boundary: the bytes after the
// "body" are answered as a second, hidden request (request smuggling). RFC 9112
// section 6.1 requires a 400 and a closed connection when chunked is not the final
// coding, and section 6.3 asks the same for Transfer-Encoding with Content-Length;
// Transfer-Encoding in HTTP/1.0 is faulty framing. gunicorn refuses all of these, and
// so does warden, before any body byte is read.
#ifndef WARDEN_SERVER_DETAIL_FRAMING_HPP
#define WARDEN_SERVER_DETAIL_FRAMING_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/http.hpp>

#include <boost/beast/core/string.hpp>

#include <string_view>

namespace warden::detail {

enum class framing : unsigned char {
    ok,               // no Transfer-Encoding, or exactly "chunked" on HTTP/1.1 without Content-Length
    bad_request,      // 400 and close: the body's length cannot be determined reliably
    not_implemented,  // 501 and close: codings before "chunked" that the server does not decode
};

inline framing check_framing(const http_request& msg) noexcept {
    if (find_field(msg, http::field::transfer_encoding) == msg.end()) return framing::ok;   // nearly every request
    auto range = msg.equal_range(http::field::transfer_encoding);
    if (msg.version() < 11) return framing::bad_request;
    if (msg.find(http::field::content_length) != msg.end()) return framing::bad_request;
    int codings = 0;
    bool chunked_seen = false;
    bool last_is_chunked = false;
    for (auto it = range.first; it != range.second; ++it) {
        std::string_view list = it->value();
        while (true) {
            auto comma = list.find(',');
            std::string_view item = list.substr(0, comma);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
            if (!item.empty()) {   // RFC 9110 5.6.1: empty list elements are ignored
                ++codings;
                // A coding with parameters ("chunked;x=1") is not plain chunked.
                bool chunked = warden::detail::iequals(item, "chunked");
                if (chunked && chunked_seen) return framing::bad_request;   // chunked applied twice
                chunked_seen = chunked_seen || chunked;
                last_is_chunked = chunked;
            }
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    if (codings == 0 || !last_is_chunked) return framing::bad_request;
    if (codings > 1) return framing::not_implemented;
    return framing::ok;
}

} // namespace warden::detail

#endif
