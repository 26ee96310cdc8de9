/// @file
/// `route<"/pattern/", View>`: a URL pattern with Django's path converters, checked
/// at compile time.
///
/// Converters: `<int:name>` ([0-9]+), `<str:name>` (one or more characters but '/'),
/// `<slug:name>` ([-a-zA-Z0-9_]+), `<uuid:name>` (lower-case 8-4-4-4-12 hex) and
/// `<path:name>` (one or more of any character, '/' included). A malformed pattern fails
/// to compile with a message that says what to fix.
#ifndef WARDEN_APP_ROUTE_HPP
#define WARDEN_APP_ROUTE_HPP

#include <warden/app/detail/pattern.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/request.hpp>

#include <cstddef>
#include <string_view>

namespace warden {

/// Maps URL pattern `Pattern` to view `View`.
///
/// @code
/// warden::route<"/api/admin/users/<str:username>/active/", user_active_api>
/// @endcode
template <fixed_string Pattern, class View>
struct route {
    using view_type = View;
    static constexpr std::string_view pattern = Pattern.view();
    static constexpr detail::parsed_pattern parsed = detail::parse_pattern(Pattern.view());

    static_assert(parsed.error != detail::pattern_error::empty, "warden::route: the pattern is empty; write at least \"/\"");
    static_assert(parsed.error != detail::pattern_error::no_leading_slash,
                  "warden::route: a pattern must start with '/', e.g. \"/api/notes/\"");
    static_assert(parsed.error != detail::pattern_error::unclosed,
                  "warden::route: a '<' in the pattern is not closed by '>'; write converters as <int:name>");
    static_assert(parsed.error != detail::pattern_error::stray_close,
                  "warden::route: a '>' in the pattern has no matching '<'; write converters as <int:name>");
    static_assert(parsed.error != detail::pattern_error::no_colon,
                  "warden::route: a converter needs a type and a name, e.g. <int:id> or <str:username>");
    static_assert(parsed.error != detail::pattern_error::unknown_converter,
                  "warden::route: unknown converter; use int, str, slug, uuid or path, e.g. <int:id>");
    static_assert(parsed.error != detail::pattern_error::bad_name,
                  "warden::route: a converter's name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), e.g. <int:id>");
    static_assert(parsed.error != detail::pattern_error::duplicate_name,
                  "warden::route: two converters in one pattern have the same name; give each a distinct name");
    static_assert(parsed.error != detail::pattern_error::too_many_params,
                  "warden::route: at most 8 converters per pattern");

    static constexpr bool is_static = parsed.params == 0;
    /// The literal text before the first converter (all of it for a static route).
    static constexpr std::string_view prefix = parsed.count && parsed.segments[0].conv == converter::none
        ? pattern.substr(parsed.segments[0].begin, parsed.segments[0].end - parsed.segments[0].begin)
        : std::string_view{};

    /// Matches `path`, filling `out` (at least max_path_params entries); returns the
    /// number of parameters + 1, or 0 when it does not match.
    static std::size_t match(std::string_view path, path_param* out) noexcept {
        if (!path.starts_with(prefix)) return 0;
        if constexpr (is_static) {
            return path.size() == pattern.size() ? 1 : 0;
        } else {
            return detail::match_segments(pattern, parsed.segments.data(), 0, parsed.count, path, 0, out, 0)
                ? parsed.params + 1 : 0;
        }
    }
};

} // namespace warden

#endif
