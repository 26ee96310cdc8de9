/// @file
/// HTML for the few pages warden renders itself (the login and logout pages): Django's
/// `escape()` for anything that came from a request, an HTML response, and the headers
/// such a page needs so that it cannot be framed, cached or made to run a script.
#ifndef WARDEN_CORE_HTML_HPP
#define WARDEN_CORE_HTML_HPP

#include <warden/core/http.hpp>
#include <warden/core/response.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace warden {

/// The media type of warden's pages.
inline constexpr std::string_view html_media_type = "text/html; charset=utf-8";

/// Appends `text` to `out` escaped for an HTML text node or a quoted attribute value,
/// as Django's `django.utils.html.escape`: `&` `<` `>` `"` `'` become `&amp;` `&lt;`
/// `&gt;` `&quot;` `&#x27;`. Every other byte is copied as is.
///
/// @code
/// std::string page = "<p>Hello ";
/// warden::append_html_escaped(page, req.user().username);
/// @endcode
inline void append_html_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&#x27;"); break;
        default: out.push_back(c);
        }
    }
}

/// `text` escaped for HTML (see `append_html_escaped`).
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    append_html_escaped(out, text);
    return out;
}

/// Sets the headers of a page that must never be framed, cached, sniffed as another
/// type or leak its URL to another site: `Cache-Control: no-store` (with Django's
/// `never_cache` companions), `X-Frame-Options: DENY`, `X-Content-Type-Options:
/// nosniff`, `Referrer-Policy: same-origin`, and `Content-Security-Policy: csp`.
///
/// @param csp the page's policy; `frame-ancestors 'none'` belongs in it.
inline void set_page_security_headers(response& r, std::string csp) {
    r.set_header(http::field::cache_control, "max-age=0, no-cache, no-store, must-revalidate, private");
    r.set_header(http::field::expires, "Thu, 01 Jan 1970 00:00:00 GMT");
    r.set_header("X-Frame-Options", "DENY");
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("Referrer-Policy", "same-origin");
    r.set_header("Content-Security-Policy", std::move(csp));
}

/// An HTML response: `body` with `Content-Type: text/html; charset=utf-8`.
///
/// @code
/// return warden::html("<!DOCTYPE html><title>Hi</title>", http::status::ok);
/// @endcode
inline response html(std::string body, http::status status = http::status::ok) {
    return response{status, std::move(body), html_media_type};
}

} // namespace warden

#endif
