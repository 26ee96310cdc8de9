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

namespace warden {

namespace http = boost::beast::http;

/// Header fields allocated from the connection's arena (or the heap when built without one).
using fields = http::basic_fields<detail::arena_allocator<char>>;
/// A parsed HTTP request as the server and the test client hand it to an app.
using http_request = http::request<http::string_body, fields>;
/// A complete HTTP response ready for Beast's serializer.
using http_response = http::response<http::string_body, fields>;

} // namespace warden

#endif
