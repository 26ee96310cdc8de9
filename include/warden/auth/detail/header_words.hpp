// Splits an Authorization header value as Python's bytes.split() does (on runs of
// ASCII whitespace), without allocating. DRF's token and basic authentication rely
// on exactly this splitting.
#ifndef WARDEN_AUTH_DETAIL_HEADER_WORDS_HPP
#define WARDEN_AUTH_DETAIL_HEADER_WORDS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace warden::detail {

struct header_words {
    std::string_view first, second;
    std::size_t count = 0;   // words found, counting up to 3 (3 means "more than two")
};

// ' ', or one of '\t' '\n' '\v' '\f' '\r' (9 to 13): two compares.
inline bool is_py_bytes_space(char c) noexcept {
    return c == ' ' || static_cast<unsigned char>(c - '\t') <= '\r' - '\t';
}

// The index of the first Python space in `v` at or after `i` (or v.size()), eight bytes
// per step: a word that holds no byte below 0x21 holds no space.
inline std::size_t next_py_space(std::string_view v, std::size_t i) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (; i + 8 <= v.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, v.data() + i, 8);
        if ((w - 0x21 * ones) & ~w & highs) break;   // some byte is below 0x21: look closer
    }
    while (i < v.size() && !is_py_bytes_space(v[i])) ++i;
    return i;
}

inline header_words split_header_words(std::string_view v) noexcept {
    header_words out;
    std::size_t i = 0;
    while (i < v.size() && out.count < 3) {
        while (i < v.size() && is_py_bytes_space(v[i])) ++i;
        if (i == v.size()) break;
        std::size_t b = i;
        i = next_py_space(v, i);
        if (out.count == 0) out.first = v.substr(b, i - b);
        else if (out.count == 1) out.second = v.substr(b, i - b);
        ++out.count;
    }
    return out;
}

} // namespace warden::detail

#endif
