// HTTP methods as a view sees them: which handler a request's method reaches, which
// handlers a view defines (found at compile time), how one is called, and the Allow
// header those handlers make.
#ifndef WARDEN_VIEW_DETAIL_METHODS_HPP
#define WARDEN_VIEW_DETAIL_METHODS_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>

#include <boost/beast/core/string.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>

namespace warden {

/// HTTP methods a view can handle, in DRF's `http_method_names` order.
enum class method_id : unsigned char { get, post, put, patch, delete_, head, options, trace, other };

namespace detail {

inline method_id method_of(const request& req) noexcept {
    switch (req.method()) {
    case http::verb::get: return method_id::get;
    case http::verb::post: return method_id::post;
    case http::verb::put: return method_id::put;
    case http::verb::patch: return method_id::patch;
    case http::verb::delete_: return method_id::delete_;
    case http::verb::head: return method_id::head;
    case http::verb::options: return method_id::options;
    case http::verb::trace: return method_id::trace;
    default: break;
    }
    // Django upper-cases REQUEST_METHOD, so "get" reaches the get handler too.
    auto m = req.method_string();
    using warden::detail::iequals;
    if (iequals(m, "GET")) return method_id::get;
    if (iequals(m, "POST")) return method_id::post;
    if (iequals(m, "PUT")) return method_id::put;
    if (iequals(m, "PATCH")) return method_id::patch;
    if (iequals(m, "DELETE")) return method_id::delete_;
    if (iequals(m, "HEAD")) return method_id::head;
    if (iequals(m, "OPTIONS")) return method_id::options;
    if (iequals(m, "TRACE")) return method_id::trace;
    return method_id::other;
}

// Handler detection: `R name(request&)` or `R name(request&, Ctx&)`, R convertible to response.
#define WARDEN_DETAIL_HANDLER_CONCEPT(NAME)                                                              \
    template <class V, class Ctx>                                                                         \
    concept has_##NAME = requires(V& v, request& r) { { v.NAME(r) } -> std::convertible_to<response>; } || \
                         requires(V& v, request& r, Ctx& c) { { v.NAME(r, c) } -> std::convertible_to<response>; };
WARDEN_DETAIL_HANDLER_CONCEPT(get)
WARDEN_DETAIL_HANDLER_CONCEPT(post)
WARDEN_DETAIL_HANDLER_CONCEPT(put)
WARDEN_DETAIL_HANDLER_CONCEPT(patch)
WARDEN_DETAIL_HANDLER_CONCEPT(delete_)
WARDEN_DETAIL_HANDLER_CONCEPT(head)
WARDEN_DETAIL_HANDLER_CONCEPT(options)
#undef WARDEN_DETAIL_HANDLER_CONCEPT

#define WARDEN_DETAIL_CALL_HANDLER(NAME)                                  \
    if constexpr (requires { v.NAME(r, c); }) return response(v.NAME(r, c)); \
    else return response(v.NAME(r));

template <method_id M, class V, class Ctx>
response call_handler(V& v, request& r, Ctx& c) {
    if constexpr (M == method_id::get) { WARDEN_DETAIL_CALL_HANDLER(get) }
    else if constexpr (M == method_id::post) { WARDEN_DETAIL_CALL_HANDLER(post) }
    else if constexpr (M == method_id::put) { WARDEN_DETAIL_CALL_HANDLER(put) }
    else if constexpr (M == method_id::patch) { WARDEN_DETAIL_CALL_HANDLER(patch) }
    else if constexpr (M == method_id::delete_) { WARDEN_DETAIL_CALL_HANDLER(delete_) }
    else if constexpr (M == method_id::head) { WARDEN_DETAIL_CALL_HANDLER(head) }
    else if constexpr (M == method_id::options) { WARDEN_DETAIL_CALL_HANDLER(options) }
}
#undef WARDEN_DETAIL_CALL_HANDLER

// The Allow header, built at compile time in DRF's order.
template <bool Get, bool Post, bool Put, bool Patch, bool Delete, bool Head>
struct allow_header {
    static constexpr auto make() {
        struct result { std::array<char, 64> text{}; std::size_t size = 0; } out;
        auto add = [&](std::string_view m) {
            if (out.size) { out.text[out.size++] = ','; out.text[out.size++] = ' '; }
            for (char ch : m) out.text[out.size++] = ch;
        };
        if (Get) add("GET");
        if (Post) add("POST");
        if (Put) add("PUT");
        if (Patch) add("PATCH");
        if (Delete) add("DELETE");
        if (Head) add("HEAD");
        add("OPTIONS");
        return out;
    }
    static constexpr auto data = make();
    static constexpr std::string_view value{data.text.data(), data.size};
};

} // namespace detail

} // namespace warden

#endif
