/// @file
/// Policy lists: a view names its policies in lists (`authentication<...>`,
/// `permissions<...>`, `throttles<...>`, `parsers<...>`) that the pipeline finds by tag.
/// A policy opts in with a tag (`using policy_kind = warden::authenticator_tag;`,
/// warden/core/policy.hpp).
#ifndef WARDEN_VIEW_POLICY_HPP
#define WARDEN_VIEW_POLICY_HPP

#include <warden/core/detail/type_list.hpp>
#include <warden/core/policy.hpp>

#include <type_traits>

namespace warden {

/// The view's authenticators, tried in order; the first success wins.
/// `authentication<>` means none (every request is anonymous).
///
/// @code
/// struct notes_api : api_view<authentication<token_auth, session_auth>, permissions<is_authenticated_or_read_only>> { ... };
/// @endcode
template <class... Authenticators>
struct authentication {
    using policy_list_kind = authenticator_tag;
    using types = detail::type_list<Authenticators...>;
    static_assert(((is_policy_of<Authenticators, authenticator_tag> || !detail::is_any_policy<Authenticators>) && ...),
                  "warden::authentication<...> lists a permission, throttle or parser: put permissions in "
                  "warden::permissions<...>, throttles in warden::throttles<...>, parsers in warden::parsers<...>");
    static_assert((detail::is_any_policy<Authenticators> && ...),
                  "warden::authentication<...> lists a type that is not an authenticator: an authenticator "
                  "declares `using policy_kind = warden::authenticator_tag;` and "
                  "`auth_result authenticate(request&, Ctx&) const`");
};

/// The view's permissions; every one must grant access.
template <class... Permissions>
struct permissions {
    using policy_list_kind = permission_tag;
    using types = detail::type_list<Permissions...>;
    static_assert(((is_policy_of<Permissions, permission_tag> || !detail::is_any_policy<Permissions>) && ...),
                  "warden::permissions<...> lists an authenticator, throttle or parser: put authenticators in "
                  "warden::authentication<...>, throttles in warden::throttles<...>, parsers in warden::parsers<...>");
    static_assert((detail::is_any_policy<Permissions> && ...),
                  "warden::permissions<...> lists a type that is not a permission: a permission declares "
                  "`using policy_kind = warden::permission_tag;` and `bool has_permission(const request&, const View&) const`");
};

/// The view's throttles; all are checked and the longest wait is reported.
template <class... Throttles>
struct throttles {
    using policy_list_kind = throttle_tag;
    using types = detail::type_list<Throttles...>;
    static_assert(((is_policy_of<Throttles, throttle_tag> || !detail::is_any_policy<Throttles>) && ...),
                  "warden::throttles<...> lists an authenticator, permission or parser: put each policy in its "
                  "own list (authentication<...>, permissions<...>, parsers<...>)");
    static_assert((detail::is_any_policy<Throttles> && ...),
                  "warden::throttles<...> lists a type that is not a throttle: a throttle declares "
                  "`using policy_kind = warden::throttle_tag;` and `throttle_result allow_request(request&, const View&, Ctx&) const`");
};

/// The request body media types the view accepts, in order of preference.
template <class... Parsers>
struct parsers {
    using policy_list_kind = parser_tag;
    using types = detail::type_list<Parsers...>;
    static_assert((is_policy_of<Parsers, parser_tag> && ...),
                  "warden::parsers<...> lists a type that is not a parser: use warden::json_parser, "
                  "warden::form_parser or warden::multipart_parser, or declare `using policy_kind = warden::parser_tag;`");
};

namespace detail {

template <class L, class = void>
struct is_policy_list : std::false_type {};
template <class L>
struct is_policy_list<L, std::void_t<typename L::policy_list_kind>> : std::true_type {};

// The list of kind Tag among Lists, or Default.
template <class Tag, class Default, class... Lists>
struct find_list { using type = Default; };
template <class Tag, class Default, class L, class... Lists>
struct find_list<Tag, Default, L, Lists...> {
    using type = std::conditional_t<std::is_same_v<typename L::policy_list_kind, Tag>, L,
                                    typename find_list<Tag, Default, Lists...>::type>;
};

} // namespace detail

} // namespace warden

#endif
