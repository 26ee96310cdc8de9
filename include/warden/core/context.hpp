/// @file
/// App services and the typed app context that policies and handlers receive.
///
/// A service is any object the app is given (a store, JWT keys, ...). It declares the
/// service tags it provides (`using provides = warden::provides<users_tag, tokens_tag>;`)
/// and, if its calls block the thread (a database), `static constexpr bool blocking = true;`.
/// Policies name the tags they need (`using requires_services = warden::services<tokens_tag>;`);
/// an app whose services lack one fails to compile with a message naming the fix.
#ifndef WARDEN_CORE_CONTEXT_HPP
#define WARDEN_CORE_CONTEXT_HPP

#include <warden/core/clock.hpp>
#include <warden/core/settings.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/detail/type_list.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace warden {

namespace detail {

template <class S, class Tag, class = void>
struct service_provides : std::false_type {};
template <class S, class Tag>
struct service_provides<S, Tag, std::void_t<typename S::provides>> {
    template <class... Ts>
    static constexpr bool check(warden::provides<Ts...>*) { return (std::is_same_v<Ts, Tag> || ...); }
    static constexpr bool value = check(static_cast<typename S::provides*>(nullptr));
};

template <class S>
constexpr bool service_blocks() {
    if constexpr (requires { { S::blocking } -> std::convertible_to<bool>; }) return S::blocking;
    else return false;
}

template <class Tag, class... S>
constexpr std::size_t provider_index() {
    constexpr bool found[] = {service_provides<std::remove_cvref_t<S>, Tag>::value..., false};
    for (std::size_t i = 0; i < sizeof...(S); ++i)
        if (found[i]) return i;
    return sizeof...(S);
}

} // namespace detail

/// The app context handed to policies and handlers: services by tag, settings, clock,
/// and the app's default policy lists.
///
/// @code
/// template <class Ctx>
/// warden::auth_result authenticate(warden::request& req, Ctx& ctx) const {
///     auto& tokens = ctx.template get<warden::tokens_tag>();
///     ...
/// }
/// @endcode
template <class Defaults, class... Services>
class context {
public:
    /// The app's `warden::defaults<...>` (default policy lists for views that name none).
    using defaults_type = Defaults;

    template <class... Args>
    explicit context(warden::settings s, Args&&... services)
        : settings_(std::move(s)), services_(std::forward<Args>(services)...) {}

    context(const context&) = delete;
    context& operator=(const context&) = delete;

    const warden::settings& settings() const noexcept { return settings_; }
    warden::clock& clock() const noexcept { return clock_; }

    /// True when some service provides `Tag`.
    template <class Tag>
    static constexpr bool has = detail::provider_index<Tag, Services...>() < sizeof...(Services);

    /// The first service that provides `Tag`.
    template <class Tag>
    auto& get() const noexcept {
        static_assert(has<Tag>, "warden: the app has no service providing this tag; pass a store or service that "
                                "provides it to warden::app<...>(...) (see warden/core/context.hpp)");
        return std::get<detail::provider_index<Tag, Services...>()>(services_);
    }

    /// True when a service providing any tag of `warden::services<Tags...>` blocks.
    template <class TagList>
    static constexpr bool blocking_services() { return blocking_of(static_cast<TagList*>(nullptr)); }

private:
    template <class... Tags>
    static constexpr bool blocking_of(warden::services<Tags...>*) {
        return (blocking_for<Tags>() || ...);
    }
    template <class Tag>
    static constexpr bool blocking_for() {
        if constexpr (has<Tag>) {
            using S = std::remove_cvref_t<std::tuple_element_t<detail::provider_index<Tag, Services...>(), std::tuple<Services...>>>;
            return detail::service_blocks<S>();
        } else {
            return false;
        }
    }

    warden::settings settings_;
    mutable warden::clock clock_;
    // Services are held by reference when given as lvalues, by value when given as rvalues.
    mutable std::tuple<Services...> services_;
};

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
                                                   "provides warden::throttle_counters_tag (warden::memory_store or warden::sqlite_store) "
                                                   "to warden::app<...>(store, ...)");
    static_assert(!missing<jwt_keys_tag>, "warden: a JWT policy needs keys the app lacks: pass warden::jwt::keys (e.g. "
                                          "warden::jwt::keys::hs256(secret)) to warden::app<...>(store, settings, keys)");
    static_assert(!missing<jwt_blacklist_tag>, "warden: a JWT view needs a blacklist store the app lacks: pass a store that "
                                               "provides warden::jwt_blacklist_tag (warden::memory_store or warden::sqlite_store)");
    static constexpr bool value = true;
};

} // namespace detail

} // namespace warden

#endif
