/// @file
/// The Beast message types warden reads and writes.
#ifndef WARDEN_CORE_HTTP_HPP
#define WARDEN_CORE_HTTP_HPP

#include <warden/core/detail/arena.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/status.hpp>

#include <cstddef>

namespace warden {

namespace http = boost::beast::http;

/// Header fields allocated from the connection's arena (or the heap when built without one).
using fields = http::basic_fields<detail::arena_allocator<char>>;
/// A parsed HTTP request as the server and the test client hand it to an app.
using http_request = http::request<http::string_body, fields>;
/// A complete HTTP response ready for Beast's serializer.
using http_response = http::response<http::string_body, fields>;

namespace detail {
// How many fields `find_field` and `count_field` walk before they use Beast's lookup.
inline constexpr std::size_t linear_fields = 32;
} // namespace detail

/// The first field named `f` (a known name, not `http::field::unknown`) in the order
/// received, or `h.end()`: what `h.find(f)` returns. A request carries a few fields, each
/// tagged with its known name when the parser read it, and comparing those tags in list
/// order costs a few instructions a field where Beast's lookup, a tree ordered by
/// case-insensitive name, compares strings (about 600 instructions for an
/// `Authorization` lookup). Past `linear_fields` fields the tree takes over, so a long
/// list costs no more than that walk on top of the tree.
inline fields::const_iterator find_field(const fields& h, http::field f) {
    std::size_t n = 0;
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it->name() == f) return it;
        if (++n == detail::linear_fields) return h.find(f);
    }
    return h.end();
}

/// How many fields named `f` (a known name) `h` has: `h.count(f)`, as `find_field` walks.
inline std::size_t count_field(const fields& h, http::field f) {
    std::size_t n = 0, found = 0;
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it->name() == f) ++found;
        if (++n == detail::linear_fields) return h.count(f);
    }
    return found;
}

} // namespace warden

#endif
