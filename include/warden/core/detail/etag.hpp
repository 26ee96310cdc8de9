// Entity tags for answers that never change while the server runs (static files, the
// JWKS): a tag from the contents, and RFC 9110's If-None-Match comparison.
#ifndef WARDEN_CORE_DETAIL_ETAG_HPP
#define WARDEN_CORE_DETAIL_ETAG_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::detail {

// A strong tag, quotes included: FNV-1a of the contents and their length. A cache
// validator, not a secret (the contents are public).
inline std::string entity_tag(std::string_view body) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : body) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(hex[(h >> shift) & 0xf]);
    out.append("-").append(std::to_string(body.size())).push_back('"');
    return out;
}

// If-None-Match: "*" or a list of tags, compared weakly (a W/ prefix is ignored).
inline bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept {
    while (!if_none_match.empty()) {
        auto comma = if_none_match.find(',');
        std::string_view t = if_none_match.substr(0, comma);
        if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (t.starts_with("W/")) t.remove_prefix(2);
        if (t == "*" || t == etag) return true;
    }
    return false;
}

} // namespace warden::detail

#endif
