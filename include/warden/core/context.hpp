/// @file
/// The typed app context that policies and handlers receive: the app's services, its
/// settings and clock, and its shared policy instances.
///
/// A service is any object the app is given (a store, JWT keys, ...). It declares the
/// service tags it provides (`using provides = warden::provides<users_tag, tokens_tag>;`)
/// and, if its calls block the thread (a database), `static constexpr bool blocking = true;`.
/// Policies name the tags they need (`using requires_services = warden::services<tokens_tag>;`);
/// an app whose services lack one fails to compile with a message naming the fix
/// (warden/app/services.hpp).
#ifndef WARDEN_CORE_CONTEXT_HPP
#define WARDEN_CORE_CONTEXT_HPP

#include <warden/core/clock.hpp>
#include <warden/core/detail/policy_registry.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
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

// Whether a thread may reserve one of S's connections for its reads (`try_reserve_reader`).
template <class S>
concept reserves_readers = requires(S& s) {
    { s.try_reserve_reader() } noexcept -> std::same_as<bool>;
    { s.release_reader() } noexcept;
};

template <class Tag, class... S>
constexpr std::size_t provider_index() {
    constexpr bool found[] = {service_provides<std::remove_cvref_t<S>, Tag>::value..., false};
    for (std::size_t i = 0; i < sizeof...(S); ++i)
        if (found[i]) return i;
    return sizeof...(S);
}

} // namespace detail

/// The app context handed to policies and handlers: services by tag, settings, clock,
/// the app's default policy lists, and the app's shared instance of each policy its
/// routes use (`Policies`, a `detail::type_list`), built once when the context is.
///
/// @code
/// template <class Ctx>
/// warden::auth_result authenticate(warden::request& req, Ctx& ctx) const {
///     auto& tokens = ctx.template get<warden::tokens_tag>();
///     ...
/// }
/// @endcode
template <class Defaults, class Policies, class... Services>
class context {
public:
    /// The app's `warden::defaults<...>` (default policy lists for views that name none).
    using defaults_type = Defaults;
    /// The registry of the app's policy instances.
    using registry_type = detail::policy_registry<context, Policies>;

    /// Holds `settings` and `services`, then builds every policy of `Policies` (from this
    /// context when the policy takes one, so it can read the settings and services).
    /// @throws whatever a policy's constructor throws (a malformed throttle rate, ...)
    template <class... Args>
    explicit context(warden::settings s, Args&&... services)
        : settings_(std::move(s)), services_(std::forward<Args>(services)...), registry_(*this) {}

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

    /// The app's shared instance of policy `P` (one of the policies its routes use).
    template <class P>
    const P& policy() const noexcept { return registry_.template get<P>(); }
    /// Every shared policy instance.
    const registry_type& registry() const noexcept { return registry_; }

    /// True when a service providing any tag of `warden::services<Tags...>` blocks.
    template <class TagList>
    static constexpr bool blocking_services() { return blocking_of(static_cast<TagList*>(nullptr)); }

    /// True when every blocking service providing a tag of `TagList` lets a thread
    /// reserve a connection for its reads (`work_kind::store_read`).
    template <class TagList>
    static constexpr bool reserves_readers() {
        constexpr auto mask = blocking_mask(static_cast<TagList*>(nullptr));
        return mask != 0 && (mask & reserving_mask()) == mask;
    }

    /// Reserves for the calling thread an idle connection of each blocking service
    /// providing a tag of `TagList`, without waiting; false, holding none, when one has
    /// none idle. Its reads then run on this thread until `release_readers<TagList>()`.
    template <class TagList>
        requires(reserves_readers<TagList>())
    bool try_reserve_readers() const noexcept {
        constexpr auto mask = blocking_mask(static_cast<TagList*>(nullptr));
        const bool all = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return ((!(mask >> I & 1) || reserve_one<I>()) && ...);
        }(std::index_sequence_for<Services...>{});
        if (!all) release_readers<TagList>();   // a service not reserved ignores it
        return all;
    }

    /// Gives back what `try_reserve_readers<TagList>()` reserved.
    template <class TagList>
        requires(reserves_readers<TagList>())
    void release_readers() const noexcept {
        constexpr auto mask = blocking_mask(static_cast<TagList*>(nullptr));
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (release_one<I, (mask >> I & 1) != 0>(), ...);
        }(std::index_sequence_for<Services...>{});
    }

private:
    static_assert(sizeof...(Services) <= 64, "warden::context: at most 64 services");

    template <std::size_t I>
    using service_at = std::remove_cvref_t<std::tuple_element_t<I, std::tuple<Services...>>>;

    // Bit i: service i blocks and provides a tag of the list.
    template <class... Tags>
    static constexpr std::uint64_t blocking_mask(warden::services<Tags...>*) {
        std::uint64_t m = 0;
        ((m |= blocking_for<Tags>() ? std::uint64_t{1} << detail::provider_index<Tags, Services...>() : 0), ...);
        return m;
    }
    // Bit i: service i reserves readers.
    static constexpr std::uint64_t reserving_mask() {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return ((std::uint64_t{detail::reserves_readers<service_at<I>>} << I) | ... | 0);
        }(std::index_sequence_for<Services...>{});
    }
    template <std::size_t I>
    bool reserve_one() const noexcept {
        if constexpr (detail::reserves_readers<service_at<I>>) return std::get<I>(services_).try_reserve_reader();
        else return false;
    }
    template <std::size_t I, bool Used>
    void release_one() const noexcept {
        if constexpr (Used && detail::reserves_readers<service_at<I>>) std::get<I>(services_).release_reader();
    }

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
    // Last: policies are built from the members above.
    registry_type registry_;
};

} // namespace warden

#endif
