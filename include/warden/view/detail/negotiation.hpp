// DRF's content negotiation with the JSON renderer only: a request is 406 unless its
// Accept header admits application/json (absent, */*, application/*, application/json,
// with any parameters).
#ifndef WARDEN_VIEW_DETAIL_NEGOTIATION_HPP
#define WARDEN_VIEW_DETAIL_NEGOTIATION_HPP

#include <boost/beast/core/string.hpp>

#include <string_view>

namespace warden::detail {

inline bool accepts_json(std::string_view accept) noexcept {
    if (accept.empty()) return true;
    while (!accept.empty()) {
        auto comma = accept.find(',');
        std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        auto semi = range.find(';');
        std::string_view type = range.substr(0, semi);
        while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
        while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
        using boost::beast::iequals;
        if (type == "*/*" || iequals(type, "application/*") || iequals(type, "application/json") || type == "*")
            return true;
    }
    return false;
}

} // namespace warden::detail

#endif
