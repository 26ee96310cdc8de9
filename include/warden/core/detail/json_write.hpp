// Minimal JSON text output used by the light core (error bodies) and the json()
// builder: no Boost.JSON needed. Invalid UTF-8 becomes U+FFFD so output is always
// valid JSON.
#ifndef WARDEN_CORE_DETAIL_JSON_WRITE_HPP
#define WARDEN_CORE_DETAIL_JSON_WRITE_HPP

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace warden::detail {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(i + 1) || !cont(i + 2)) return 0;
        unsigned char c1 = b(i + 1);
        if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
        if (c == 0xED && c1 > 0x9F) return 0;   // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        unsigned char c1 = b(i + 1);
        if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
        if (c == 0xF4 && c1 > 0x8F) return 0;   // above U+10FFFF
        return 4;
    }
    return 0;
}

inline bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// Bytes written verbatim inside a JSON string: printable ASCII other than '"' and '\\'.
constexpr bool json_plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Length of the prefix of `s` made of json_plain bytes, eight bytes per step.
inline std::size_t json_plain_prefix(std::string_view s) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        // A high bit per byte that is below 0x20, '"' or '\\' (zero after the xor), or
        // not ASCII. Exact for ASCII bytes; bytes >= 0x80 are caught by `w & highs`.
        auto zero_in = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
        std::uint64_t special = ((w - 0x20 * ones) & ~w & highs) | zero_in(w ^ ('"' * ones)) |
                                zero_in(w ^ ('\\' * ones)) | (w & highs);
        if (special) break;
    }
    while (i < s.size() && json_plain(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

// Appends `lead` (unless it is '\0'), `s` as a JSON string (escaped, invalid UTF-8 as
// U+FFFD), then `trail` (unless '\0'). The common case, a short string with nothing to
// escape, is one append. It never resizes: resize() zero-fills what is then overwritten.
inline void append_json_string(std::string& out, std::string_view s, char lead = '\0', char trail = '\0') {
    std::size_t i = json_plain_prefix(s);
    if (i == s.size() && s.size() <= 60) {   // short and nothing to escape: one append
        char buf[64];
        char* p = buf;
        if (lead != '\0') *p++ = lead;
        *p++ = '"';
        if (!s.empty()) std::memcpy(p, s.data(), s.size());   // an empty view may hold a null pointer
        p += s.size();
        *p++ = '"';
        if (trail != '\0') *p++ = trail;
        out.append(buf, static_cast<std::size_t>(p - buf));
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    if (lead != '\0') out.push_back(lead);
    out.push_back('"');
    std::size_t run = 0;   // start of the pending run of bytes copied verbatim
    auto flush = [&](std::size_t upto) { out.append(s.data() + run, upto - run); };
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (json_plain(c)) { ++i; continue; }
        if (c >= 0x80) {
            std::size_t n = utf8_sequence_length(s, i);
            if (n) { i += n; continue; }
            flush(i);
            out.append("\xEF\xBF\xBD");
            run = ++i;
            continue;
        }
        flush(i);
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
            out.append("\\u00");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        }
        run = ++i;
    }
    flush(i);
    out.push_back('"');
    if (trail != '\0') out.push_back(trail);
}

template <class Int>
void append_json_integer(std::string& out, Int v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline void append_json_number(std::string& out, double v) {
    if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0) { out.append("null"); return; }   // JSON has no NaN/inf
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

} // namespace warden::detail

#endif
