// The app's internals: sorting app<...>'s template arguments into routes and defaults,
// collecting the policies its routes use, turning a view's response into the Beast
// message, and building the app from its arguments.
#ifndef WARDEN_APP_DETAIL_APP_HPP
#define WARDEN_APP_DETAIL_APP_HPP

#include <warden/app/route.hpp>
#include <warden/core/body.hpp>
#include <warden/core/context.hpp>
#include <warden/core/detail/arena.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/settings.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/dispatch.hpp>
#include <warden/view/traits.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace warden {

template <class Defaults, class Routes, class Ctx>
class basic_app;

namespace detail {

template <class T>
struct is_route : std::false_type {};
template <fixed_string P, class V>
struct is_route<route<P, V>> : std::true_type {};

template <class T, class = void>
struct is_defaults : std::false_type {};
template <class T>
struct is_defaults<T, std::void_t<typename T::warden_defaults_lists>> : std::true_type {};

template <class... Items>
struct split_items {
    static_assert(((is_route<Items>::value || is_defaults<Items>::value) && ...),
                  "warden::app<...> takes warden::route<\"/pattern/\", View> and at most one warden::defaults<...>");
    static_assert((std::size_t{0} + ... + is_defaults<Items>::value) <= 1,
                  "warden::app<...> takes at most one warden::defaults<...>; merge the lists into one");
    template <class... Ds>
    static auto pick_defaults(type_list<Ds...>) {
        if constexpr (sizeof...(Ds) == 0) return static_cast<warden::defaults<>*>(nullptr);
        else return static_cast<typename front<type_list<Ds...>>::type*>(nullptr);
    }
    using defaults_list = typename concat<type_list<>, std::conditional_t<is_defaults<Items>::value, type_list<Items>, type_list<>>...>::type;
    using defaults = std::remove_pointer_t<decltype(pick_defaults(defaults_list{}))>;
    using routes = typename concat<type_list<>, std::conditional_t<is_route<Items>::value, type_list<Items>, type_list<>>...>::type;
};

// A settings object among the arguments, or none.
template <class T>
inline constexpr bool is_settings = std::is_same_v<std::remove_cvref_t<T>, warden::settings>;

template <class T>
using service_storage = std::conditional_t<std::is_lvalue_reference_v<T>, T, std::remove_cvref_t<T>>;

// The policy types all routes use (authenticators, permissions, throttles), each once:
// what the app's registry holds.
template <class Defaults, class Routes>
struct app_policies;
template <class Defaults, class... Routes>
struct app_policies<Defaults, type_list<Routes...>> {
    using type = typename unique<typename concat<
        typename view_policies<typename Routes::view_type, Defaults>::authenticators...,
        typename view_policies<typename Routes::view_type, Defaults>::permission_list...,
        typename view_policies<typename Routes::view_type, Defaults>::throttle_list...>::type>::type;
};

// The Beast message: status, DRF's headers, queued cookies, and the body (none for HEAD).
// Out of line: one copy for all views.
[[gnu::noinline]] inline http_response finish_response(response&& r, request& req, std::string_view allow, arena* a) {
    arena_allocator<char> alloc{a};
    http_response out{std::piecewise_construct, std::forward_as_tuple(std::move(r.body())), std::make_tuple(alloc)};
    out.result(r.status());
    out.version(req.message().version());
    out.keep_alive(req.message().keep_alive());
    // `out` has neither field yet: insert, not set (which would look the name up first).
    if (!out.body().empty()) out.insert(http::field::content_type, r.content_type());
    if (!allow.empty()) out.insert(http::field::allow, allow);
    auto insert = [&](const header& h) {
        if (h.field == http::field::unknown) out.insert(h.name, h.value);
        else out.insert(h.field, h.value);
    };
    for (auto& h : r.headers()) insert(h);
    for (auto& h : req.response_headers()) insert(h);
    out.prepare_payload();
    if (req.method() == http::verb::head) out.body().clear();   // Content-Length stays: GET's
    return out;
}

// Reserves (`take`) or gives back, for the calling thread, the connections of the
// blocking services providing `Tags` (basic_app::try_reserve_reads).
template <class Ctx, class Tags>
bool reserve_reads(Ctx& ctx, bool take) noexcept {
    if (take) return ctx.template try_reserve_readers<Tags>();
    ctx.template release_readers<Tags>();
    return false;
}

// Lets each policy of a view check it at start (a scoped throttle whose scope has no
// rate): misconfiguration stops the program before it serves, not on a request. These
// are functions of the view and the context, not members of the app: a member's symbol
// names every route of the app, and with one such symbol per route GCC's work on them
// grows with the square of the route count (docs/benchmarks.md, finding 5).
template <class View, class Ctx, class... Ps>
void check_view_policies(const Ctx& ctx, type_list<Ps...>) {
    auto one = [&]<class P>() {
        if constexpr (requires(const P& p) { p.template check_view<View>(); })
            ctx.template policy<P>().template check_view<View>();
    };
    (one.template operator()<Ps>(), ...);
    (void)one;   // unused when the list is empty
}

template <class View, class Defaults, class Ctx>
void check_view_at_start(const Ctx& ctx) {
    using traits = view_traits<View, Defaults, Ctx>;
    check_view_policies<View>(ctx, typename traits::authenticators{});
    check_view_policies<View>(ctx, typename traits::permission_list{});
    check_view_policies<View>(ctx, typename traits::throttle_list{});
}

template <class... Args>
warden::settings find_settings(const Args&... args) {
    warden::settings s;
    auto take = [&](const auto& a) {
        if constexpr (is_settings<decltype(a)>) s = a;
    };
    (take(args), ...);
    (void)take;   // unused when the app gets no arguments
    return s;
}

// A one-element tuple holding a forwarded service, or an empty tuple for the settings.
template <class T>
auto keep_service(T&& t) {
    if constexpr (is_settings<T>) return std::tuple<>{};
    else return std::tuple<T&&>(std::forward<T>(t));
}

template <class Defaults, class Routes, class... Services, class... Args>
auto make_app(type_list<Services...>, Args&&... args) {
    using app_type = basic_app<Defaults, Routes, context<Defaults, typename app_policies<Defaults, Routes>::type, Services...>>;
    auto services = std::tuple_cat(keep_service(std::forward<Args>(args))...);
    return std::apply([&](auto&&... sv) { return app_type(find_settings(args...), std::forward<decltype(sv)>(sv)...); },
                      std::move(services));
}

} // namespace detail

} // namespace warden

#endif
