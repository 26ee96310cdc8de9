// DRF's content negotiation with one renderer per view: a request is 406 unless its
// Accept header admits the view's media type (application/json for DRF's JSON
// renderer). A range admits it when it is absent, `*/*` (or a bare `*`), `type/*` or the
// type itself, with any parameters; a view that renders "*/*" (static files) is never
// refused, and pages (text/html) are not negotiated at all (dispatch.hpp).
#ifndef WARDEN_VIEW_DETAIL_NEGOTIATION_HPP
#define WARDEN_VIEW_DETAIL_NEGOTIATION_HPP

#include <warden/core/detail/ascii.hpp>

#include <boost/beast/core/string.hpp>

#include <string_view>

namespace warden::detail {

inline bool accepts(std::string_view accept, std::string_view media) noexcept {
    if (accept.empty() || media == "*/*" || accept == "*/*") return true;   // the last: curl's, wrk's, most clients
    using warden::detail::iequals;
    const auto slash = media.find('/');
    const std::string_view type = media.substr(0, slash == std::string_view::npos ? media.size() : slash + 1);
    while (!accept.empty()) {
        auto comma = accept.find(',');
        std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        auto semi = range.find(';');
        std::string_view r = range.substr(0, semi);
        while (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
        while (!r.empty() && (r.back() == ' ' || r.back() == '\t')) r.remove_suffix(1);
        if (r == "*/*" || r == "*" || iequals(r, media)) return true;
        if (r.size() == type.size() + 1 && r.back() == '*' && iequals(r.substr(0, type.size()), type)) return true;
    }
    return false;
}

inline bool accepts_json(std::string_view accept) noexcept { return accepts(accept, "application/json"); }

} // namespace warden::detail

#endif
