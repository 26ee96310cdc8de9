// An error of a view that renders HTML (a login page): DRF's status and headers, with
// the detail shown as a small page instead of JSON, escaped, under a policy that lets
// nothing run, load or frame it.
#ifndef WARDEN_VIEW_DETAIL_HTML_ERROR_HPP
#define WARDEN_VIEW_DETAIL_HTML_ERROR_HPP

#include <warden/core/html.hpp>
#include <warden/core/http.hpp>
#include <warden/core/response.hpp>

#include <string>
#include <string_view>

namespace warden::detail {

[[gnu::cold, gnu::noinline]] inline void render_as_page(response& r, std::string_view detail) {
    const std::string_view reason = http::obsolete_reason(r.status());
    const std::string status = std::to_string(static_cast<unsigned>(r.status()));
    std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
    append_html_escaped(page, reason);
    page.append(" (").append(status).append(")</title>\n</head>\n<body>\n<main>\n<h1>");
    append_html_escaped(page, reason);
    page.append(" (").append(status).append(")</h1>\n");
    if (!detail.empty()) {
        page.append("<p role=\"alert\">");
        append_html_escaped(page, detail);
        page.append("</p>\n");
    }
    page.append("</main>\n</body>\n</html>\n");
    r.body() = std::move(page);
    r.set_content_type(html_media_type);
    set_page_security_headers(r, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

} // namespace warden::detail

#endif
