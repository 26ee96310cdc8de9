/// @file
/// `api_view`: the base of every view. Its template arguments are policy lists; its
/// handlers (`get`, `post`, `put`, `patch`, `delete_`, ...) are found at compile time.
#ifndef WARDEN_VIEW_API_VIEW_HPP
#define WARDEN_VIEW_API_VIEW_HPP

#include <warden/view/policy.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace warden {

/// Base of a view. A view is a type: its policy lists are template arguments and its
/// handlers are member functions named after HTTP methods, taking `request&` and,
/// optionally, the app context.
///
/// A view that names no `authentication<...>` uses the app's default authenticators (as
/// DRF's DEFAULT_AUTHENTICATION_CLASSES); with no `permissions<...>` (and no app default)
/// every request is allowed, as DRF's AllowAny;
/// with no `throttles<...>` it is not throttled; with no `parsers<...>` it takes the
/// app's default parsers.
///
/// @code
/// struct profile_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                       warden::permissions<warden::is_authenticated>> {
///     warden::response get(warden::request& req) {
///         return warden::json({{"username", req.user().username}, {"email", req.user().email}});
///     }
/// };
/// @endcode
template <class... Lists>
struct api_view {
    static_assert((detail::is_policy_list<Lists>::value && ...),
                  "warden::api_view<...> takes policy lists only: wrap policies in warden::authentication<...>, "
                  "warden::permissions<...>, warden::throttles<...> or warden::parsers<...>");
    using warden_policy_lists = detail::type_list<Lists...>;
};

/// App-wide defaults for views that name no list of a kind (DRF's DEFAULT_* settings).
///
/// @code
/// auto site = warden::app<warden::defaults<warden::authentication<warden::session_auth, warden::token_auth>>,
///                         warden::route<"/api/notes/", notes_api>>(db, settings);
/// @endcode
template <class... Lists>
struct defaults {
    static_assert((detail::is_policy_list<Lists>::value && ...),
                  "warden::defaults<...> takes policy lists only: warden::authentication<...>, "
                  "warden::permissions<...>, warden::throttles<...> or warden::parsers<...>");
    using warden_defaults_lists = detail::type_list<Lists...>;
};

namespace detail {

template <class Tag, class Lists>
struct count_kind;
template <class Tag, class... Lists>
struct count_kind<Tag, type_list<Lists...>>
    : std::integral_constant<std::size_t, (std::size_t{0} + ... + std::is_same_v<typename Lists::policy_list_kind, Tag>)> {};

template <class Lists>
inline constexpr bool lists_unique =
    count_kind<authenticator_tag, Lists>::value <= 1 && count_kind<permission_tag, Lists>::value <= 1 &&
    count_kind<throttle_tag, Lists>::value <= 1 && count_kind<parser_tag, Lists>::value <= 1;

template <class Tag, class Default, class Lists>
struct find_in;
template <class Tag, class Default, class... Lists>
struct find_in<Tag, Default, type_list<Lists...>> : find_list<Tag, Default, Lists...> {};

template <class V, class = void>
struct view_lists { using type = void; };
template <class V>
struct view_lists<V, std::void_t<typename V::warden_policy_lists>> { using type = typename V::warden_policy_lists; };

} // namespace detail

/// True when `V` derives from an `api_view<...>`.
template <class V>
concept view = !std::is_void_v<typename detail::view_lists<V>::type>;

} // namespace warden

#endif
