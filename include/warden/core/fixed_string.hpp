/// @file
/// `fixed_string`: a string usable as a template argument (route patterns, names).
#ifndef WARDEN_CORE_FIXED_STRING_HPP
#define WARDEN_CORE_FIXED_STRING_HPP

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace warden {

/// A compile-time string literal wrapper for class-type non-type template parameters.
///
/// @code
/// template <warden::fixed_string P> struct tagged { static constexpr std::string_view text = P; };
/// using t = tagged<"/api/users/<int:id>/">;
/// @endcode
template <std::size_t N>
struct fixed_string {
    char data_[N]{};

    constexpr fixed_string(const char (&s)[N]) noexcept { std::copy_n(s, N, data_); }

    /// Length without the terminating NUL.
    static constexpr std::size_t size() noexcept { return N - 1; }
    constexpr std::string_view view() const noexcept { return {data_, N - 1}; }
    constexpr operator std::string_view() const noexcept { return view(); }
    constexpr char operator[](std::size_t i) const noexcept { return data_[i]; }
};

} // namespace warden

#endif
