// ASCII character classes that ignore the locale (the <cctype> ones do not).
#ifndef WARDEN_CORE_DETAIL_ASCII_HPP
#define WARDEN_CORE_DETAIL_ASCII_HPP

namespace warden::detail {

constexpr bool ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool ascii_hex(char c) noexcept {
    return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

} // namespace warden::detail

#endif
