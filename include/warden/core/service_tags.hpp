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

} // namespace warden

#endif
