// Splits an Authorization header value as Python's bytes.split() does (on runs of
// ASCII whitespace), without allocating. DRF's token and basic authentication rely
// on exactly this splitting.
#ifndef WARDEN_AUTH_DETAIL_HEADER_WORDS_HPP
#define WARDEN_AUTH_DETAIL_HEADER_WORDS_HPP

#include <cstddef>
#include <string_view>

namespace warden::detail {

struct header_words {
    std::string_view first, second;
    std::size_t count = 0;   // words found, counting up to 3 (3 means "more than two")
};

inline bool is_py_bytes_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

inline header_words split_header_words(std::string_view v) noexcept {
    header_words out;
    std::size_t i = 0;
    while (i < v.size() && out.count < 3) {
        while (i < v.size() && is_py_bytes_space(v[i])) ++i;
        if (i == v.size()) break;
        std::size_t b = i;
        while (i < v.size() && !is_py_bytes_space(v[i])) ++i;
        if (out.count == 0) out.first = v.substr(b, i - b);
        else if (out.count == 1) out.second = v.substr(b, i - b);
        ++out.count;
    }
    return out;
}

} // namespace warden::detail

#endif
