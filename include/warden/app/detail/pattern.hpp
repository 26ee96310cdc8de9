// Route patterns: parsing `"/api/users/<int:id>/"` at compile time into literal and
// converter segments (with the error a malformed pattern fails to compile with), and
// matching a path against them with Django's converters, backtracking as the regular
// expressions Django compiles them to. Used by `route` (app/route.hpp) and the router.
#ifndef WARDEN_APP_DETAIL_PATTERN_HPP
#define WARDEN_APP_DETAIL_PATTERN_HPP

#include <warden/core/request.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace warden {

/// Django's path converters.
enum class converter : unsigned char { none, int_, str, slug, uuid, path };

namespace detail {

enum class pattern_error : unsigned char {
    none, no_leading_slash, unclosed, stray_close, no_colon, unknown_converter, bad_name, duplicate_name,
    too_many_params, empty,
};

struct pattern_segment {
    converter conv = converter::none;   // none: a literal
    std::size_t begin = 0, end = 0;     // literal text, or the parameter name
};

inline constexpr std::size_t max_segments = 2 * max_path_params + 1;

struct parsed_pattern {
    std::array<pattern_segment, max_segments> segments{};
    std::size_t count = 0;
    std::size_t params = 0;
    pattern_error error = pattern_error::none;
};

constexpr bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
constexpr bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

constexpr parsed_pattern parse_pattern(std::string_view p) {
    parsed_pattern out;
    auto fail = [&](pattern_error e) { out.error = e; return out; };
    if (p.empty()) return fail(pattern_error::empty);
    if (p[0] != '/') return fail(pattern_error::no_leading_slash);
    std::size_t i = 0;
    while (i < p.size()) {
        if (p[i] == '>') return fail(pattern_error::stray_close);
        if (p[i] != '<') {
            std::size_t b = i;
            while (i < p.size() && p[i] != '<' && p[i] != '>') ++i;
            if (out.count == max_segments) return fail(pattern_error::too_many_params);
            out.segments[out.count++] = {converter::none, b, i};
            continue;
        }
        auto close = p.find('>', i);
        if (close == std::string_view::npos) return fail(pattern_error::unclosed);
        std::string_view inner = p.substr(i + 1, close - i - 1);
        if (inner.find('<') != std::string_view::npos) return fail(pattern_error::unclosed);
        auto colon = inner.find(':');
        if (colon == std::string_view::npos) return fail(pattern_error::no_colon);
        std::string_view conv = inner.substr(0, colon), name = inner.substr(colon + 1);
        converter c = conv == "int" ? converter::int_ : conv == "str" ? converter::str : conv == "slug" ? converter::slug
                    : conv == "uuid" ? converter::uuid : conv == "path" ? converter::path : converter::none;
        if (c == converter::none) return fail(pattern_error::unknown_converter);
        if (name.empty() || !is_name_start(name[0])) return fail(pattern_error::bad_name);
        for (char ch : name)
            if (!is_name_char(ch)) return fail(pattern_error::bad_name);
        std::size_t nb = i + 1 + colon + 1, ne = close;
        for (std::size_t k = 0; k < out.count; ++k) {
            auto& s = out.segments[k];
            if (s.conv != converter::none && p.substr(s.begin, s.end - s.begin) == name) return fail(pattern_error::duplicate_name);
        }
        if (out.params == max_path_params || out.count == max_segments) return fail(pattern_error::too_many_params);
        out.segments[out.count++] = {c, nb, ne};
        ++out.params;
        i = close + 1;
    }
    return out;
}

// Two patterns match the same paths when their literals and converters agree
// (parameter names do not matter).
constexpr bool same_shape(std::string_view a, const parsed_pattern& pa, std::string_view b, const parsed_pattern& pb) {
    if (pa.count != pb.count) return false;
    for (std::size_t k = 0; k < pa.count; ++k) {
        auto& x = pa.segments[k];
        auto& y = pb.segments[k];
        if (x.conv != y.conv) return false;
        if (x.conv == converter::none && a.substr(x.begin, x.end - x.begin) != b.substr(y.begin, y.end - y.begin)) return false;
    }
    return true;
}

// Eight bytes of `s` from `at` (at most `n`), little-endian: one load at run time.
constexpr std::uint64_t load8(std::string_view s, std::size_t at, std::size_t n) noexcept {
    if (!std::is_constant_evaluated() && n == 8 && std::endian::native == std::endian::little) {
        std::uint64_t v;
        std::memcpy(&v, s.data() + at, 8);
        return v;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
    return v;
}

// The static-route table's hash: the length and three 8-byte windows (start, middle,
// end), so a lookup costs the same for any path length. Paths that agree on all of
// them only share a probe sequence; the lookup still compares the whole path.
constexpr std::uint64_t path_hash(std::string_view s) noexcept {
    const std::size_t n = s.size(), k = n < 8 ? n : 8;
    std::uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
    h ^= load8(s, 0, k) * 0xC2B2AE3D27D4EB4Full;
    h ^= load8(s, (n - k) / 2, k) * 0x165667B19E3779F9ull;
    h ^= load8(s, n - k, k) * 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 29) ^ (h >> 47);
}

// How many characters converter `c` can take from the start of `s` (the longest run it
// accepts; shorter runs are tried by backtracking, as a regex would).
inline std::size_t converter_span(converter c, std::string_view s) noexcept {
    std::size_t n = 0;
    switch (c) {
    case converter::int_: while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n; return n;
    case converter::str: while (n < s.size() && s[n] != '/') ++n; return n;
    case converter::slug:
        while (n < s.size() && (is_name_char(s[n]) || s[n] == '-')) ++n;
        return n;
    case converter::uuid: {
        if (s.size() < 36) return 0;
        for (std::size_t k = 0; k < 36; ++k) {
            char ch = s[k];
            bool dash = k == 8 || k == 13 || k == 18 || k == 23;
            if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return 0;
        }
        return 36;
    }
    case converter::path: return s.size();
    case converter::none: return 0;
    }
    return 0;
}

// Matches path[pos..] against segments[k..]; fills `out` with parameter values.
inline bool match_segments(std::string_view pattern, const pattern_segment* segs, std::size_t k, std::size_t count,
                           std::string_view path, std::size_t pos, path_param* out, std::size_t nparam) noexcept {
    if (k == count) return pos == path.size();
    const auto& s = segs[k];
    if (s.conv == converter::none) {
        auto lit = pattern.substr(s.begin, s.end - s.begin);
        if (path.substr(pos, lit.size()) != lit) return false;
        return match_segments(pattern, segs, k + 1, count, path, pos + lit.size(), out, nparam);
    }
    std::size_t longest = converter_span(s.conv, path.substr(pos));
    std::size_t shortest = s.conv == converter::uuid ? 36 : 1;
    for (std::size_t len = longest; len >= shortest && len > 0; --len) {
        out[nparam] = {pattern.substr(s.begin, s.end - s.begin), path.substr(pos, len)};
        if (match_segments(pattern, segs, k + 1, count, path, pos + len, out, nparam + 1)) return true;
        if (s.conv == converter::uuid) break;
    }
    return false;
}

} // namespace detail

} // namespace warden

#endif
