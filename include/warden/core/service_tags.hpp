/// @file
/// Service tags: how stores and other services say what they provide
/// (`using provides = warden::provides<users_tag, tokens_tag>;`) and policies say what
/// they need (`using requires_services = warden::services<tokens_tag>;`). Light: no
/// Beast, no JSON, so store headers can include it.
#ifndef WARDEN_CORE_SERVICE_TAGS_HPP
#define WARDEN_CORE_SERVICE_TAGS_HPP

namespace warden {

/// Users (lookup by id and username, password updates).
struct users_tag {};
/// Opaque API tokens (token_auth).
struct tokens_tag {};
/// Server-side sessions (session_auth).
struct sessions_tag {};
/// Throttle counters.
struct throttle_counters_tag {};
/// JWT signing and verifying keys.
struct jwt_keys_tag {};
/// JWT outstanding/blacklisted token records.
struct jwt_blacklist_tag {};
/// A fixed set of files served as they are (warden/view/static_files.hpp).
struct static_files_tag {};

/// What a service provides: `using provides = warden::provides<users_tag, tokens_tag>;`.
template <class... Tags>
struct provides {};

/// What a policy or view needs from the app: `using requires_services = warden::services<tokens_tag>;`.
template <class... Tags>
struct services {};

namespace detail {

// The `requires_services` of P, or `services<>`.
template <class P>
struct services_of { using type = warden::services<>; };
template <class P>
    requires requires { typename P::requires_services; }
struct services_of<P> { using type = typename P::requires_services; };

// The concatenation of `services<...>` lists (a tag may repeat).
template <class... Lists>
struct merge_services { using type = warden::services<>; };
template <class... As>
struct merge_services<warden::services<As...>> { using type = warden::services<As...>; };
template <class... As, class... Bs, class... Rest>
struct merge_services<warden::services<As...>, warden::services<Bs...>, Rest...>
    : merge_services<warden::services<As..., Bs...>, Rest...> {};

} // namespace detail

} // namespace warden

#endif
