// ASCII character classes that ignore the locale (the <cctype> ones do not).
#ifndef WARDEN_CORE_DETAIL_ASCII_HPP
#define WARDEN_CORE_DETAIL_ASCII_HPP

#include <cstddef>
#include <string_view>

namespace warden::detail {

constexpr bool ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool ascii_hex(char c) noexcept {
    return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive equality (HTTP method, header and token names). Used instead of
// boost::beast::iequals, whose 1.81 slow path reads one byte past the end of both strings.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

} // namespace warden::detail

#endif
