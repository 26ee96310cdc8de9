/// @file
/// The compile-time check that an app provides every service its routes' policies and
/// views name in `requires_services`, with one message per service tag so the error
/// says what to pass to `warden::app<...>(...)`. The app runs it when it is built; the
/// context that hands services out is warden/core/context.hpp.
#ifndef WARDEN_APP_SERVICES_HPP
#define WARDEN_APP_SERVICES_HPP

#include <warden/core/service_tags.hpp>

#include <type_traits>

namespace warden {

namespace detail {

// Compile-time check that a policy's required services exist, with one message per
// service so the error says what to pass.
template <class P, class Ctx, class = void>
struct check_services { static constexpr bool value = true; };

template <class P, class Ctx>
struct check_services<P, Ctx, std::void_t<typename P::requires_services>> {
    template <class... Tags>
    static constexpr bool needs(warden::services<Tags...>*, auto tag) {
        return (std::is_same_v<Tags, decltype(tag)> || ...);
    }
    template <class Tag>
    static constexpr bool missing = needs(static_cast<typename P::requires_services*>(nullptr), Tag{}) && !Ctx::template has<Tag>;

    static_assert(!missing<users_tag>, "warden: a policy needs a user store the app lacks: pass a store that provides "
                                       "warden::users_tag (warden::memory_store or warden::sqlite_store) to warden::app<...>(store, ...)");
    static_assert(!missing<tokens_tag>, "warden: a policy needs a token store the app lacks: pass a store that provides "
                                        "warden::tokens_tag (warden::memory_store or warden::sqlite_store) to warden::app<...>(store, ...)");
    static_assert(!missing<sessions_tag>, "warden: a policy needs a session store the app lacks: pass a store that provides "
                                          "warden::sessions_tag (warden::memory_store or warden::sqlite_store) to warden::app<...>(store, ...)");
    static_assert(!missing<throttle_counters_tag>, "warden: a throttle needs a counter store the app lacks: pass a store that "
                                                   "provides warden::throttle_counters_tag (warden::memory_store or warden::sqlite_store; beside a "
                                                   "Django store, warden::memory_counter_store or warden::redis_store) "
                                                   "to warden::app<...>(store, ...)");
    static_assert(!missing<jwt_keys_tag>, "warden: a JWT policy needs keys the app lacks: pass warden::jwt::key_service (e.g. "
                                          "warden::jwt::key_service::hs256(secret)) to warden::app<...>(store, settings, keys)");
    static_assert(!missing<jwt_blacklist_tag>, "warden: a JWT view needs a blacklist store the app lacks: pass a store that "
                                               "provides warden::jwt_blacklist_tag (warden::memory_store or warden::sqlite_store)");
    static constexpr bool value = true;
};

} // namespace detail

} // namespace warden

#endif
