/// @file
/// `app<...>(services...)`: routes, defaults and services assembled into a statically
/// dispatched request handler, served by `serve()` or driven by the test client.
#ifndef WARDEN_APP_APP_HPP
#define WARDEN_APP_APP_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/body.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/random.hpp>
#include <warden/app/route.hpp>
#include <warden/app/router.hpp>
#include <warden/core/context.hpp>
#include <warden/view/dispatch.hpp>

#include <boost/hana/at_key.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include <array>
#include <exception>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace warden {

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

// The app's registry of shared policy instances: one per policy type, built at start
// (from the context when the policy takes one, e.g. to read its rate from settings),
// shared by every request. A Boost.Hana map keyed by type.
template <class Ctx, class Policies>
class policy_registry;
template <class Ctx, class... Ps>
class policy_registry<Ctx, type_list<Ps...>> {
    template <class P>
    static P make(const Ctx& ctx) {
        if constexpr (std::is_constructible_v<P, const Ctx&>) return P(ctx);
        else return P{};
    }
    using map_type = decltype(boost::hana::make_map(boost::hana::make_pair(boost::hana::type_c<Ps>, std::declval<Ps>())...));
    map_type map_;

public:
    explicit policy_registry(const Ctx& ctx)
        : map_(boost::hana::make_map(boost::hana::make_pair(boost::hana::type_c<Ps>, make<Ps>(ctx))...)) {}

    template <class P>
    const P& get() const noexcept { return map_[boost::hana::type_c<P>]; }
};

// The Beast message: status, DRF's headers, queued cookies, and the body (none for HEAD).
// Out of line: one copy for all views.
[[gnu::noinline]] inline http_response finish_response(response&& r, request& req, std::string_view allow, arena* a) {
    arena_allocator<char> alloc{a};
    http_response out{std::piecewise_construct, std::make_tuple(std::move(r.body())), std::make_tuple(alloc)};
    out.result(r.status());
    out.version(req.message().version());
    out.keep_alive(req.message().keep_alive());
    if (!out.body().empty()) out.set(http::field::content_type, r.content_type());
    if (!allow.empty()) out.set(http::field::allow, allow);
    for (auto& h : r.headers()) {
        if (h.field == http::field::unknown) out.insert(h.name, h.value);
        else out.insert(h.field, h.value);
    }
    for (auto& h : req.response_headers()) out.insert(h.field, h.value);
    out.prepare_payload();
    if (req.method() == http::verb::head) out.body().clear();   // Content-Length stays: GET's
    return out;
}

// One view's pipeline, from a routed request to the Beast response.
template <class View, class Defaults, class Ctx, class Registry>
http_response dispatch_view(Ctx& ctx, const Registry& reg, request& req, arena* a) {
    using pipe = pipeline<View, Defaults, Ctx, Registry, body_storage>;
    body_storage storage;
    response r = pipe::run(req, ctx, reg, storage);
    return finish_response(std::move(r), req, view_traits<View, Defaults, Ctx>::allow, a);
}

} // namespace detail


/// The app: a router, a view pipeline per route, the services and the settings.
/// Built by `warden::app<...>(...)`; not named directly.
template <class Defaults, class Routes, class Ctx>
class basic_app;

template <class Defaults, class... Routes, class Ctx>
class basic_app<Defaults, detail::type_list<Routes...>, Ctx> {
public:
    using context_type = Ctx;
    using router_type = detail::router<Routes...>;

    template <class R>
    using traits_of = view_traits<typename R::view_type, Defaults, Ctx>;

    // Route checks with messages that name the fix.
    static_assert(sizeof...(Routes) > 0, "warden::app<...> needs at least one warden::route<\"/pattern/\", View>");
    static_assert((view<typename Routes::view_type> && ...),
                  "warden::route<\"/p/\", View>: View must derive from warden::api_view<...>");
    static_assert((traits_of<Routes>::has_any_handler && ...),
                  "warden: a routed view defines no handler; add a member such as `warden::response get(warden::request&)` "
                  "(or post, put, patch, delete_), optionally taking the app context as a second parameter");

    // Each route's policies against the app context, checked when the app type is
    // formed so misuse is reported at the app's declaration.
    template <class R>
    struct route_check {
        using traits = traits_of<R>;
        using view_type = typename R::view_type;
        template <class... As>
        static constexpr bool authenticators(detail::type_list<As...>) { return (authenticator_for<As, Ctx> && ...); }
        template <class... Ps>
        static constexpr bool permissions(detail::type_list<Ps...>) { return (permission_for<Ps, request, view_type, Ctx> && ...); }
        template <class... Ts>
        static constexpr bool throttles(detail::type_list<Ts...>) { return (throttle_for<Ts, request, view_type, Ctx> && ...); }
        static_assert(authenticators(typename traits::authenticators{}),
                      "warden: an authenticator must define `auth_result authenticate(request&, Ctx&) const` "
                      "(Ctx is the app context, usually a template parameter)");
        static_assert(permissions(typename traits::permission_list{}),
                      "warden: a permission must define `bool has_permission(const request&, const View&) const` "
                      "or `permission_result evaluate(const request&, const View&, Ctx&) const`");
        static_assert(throttles(typename traits::throttle_list{}),
                      "warden: a throttle must define `throttle_result allow_request(request&, const View&, Ctx&) const`");
        static constexpr bool value = true;
    };
    static_assert((route_check<Routes>::value && ...));
    static_assert(sizeof(router_type) > 0);   // forms the router: its duplicate-pattern checks run here

    // The unique policy types used by all routes, for the registry.
    using policies = typename detail::unique<typename detail::concat<
        typename traits_of<Routes>::authenticators..., typename traits_of<Routes>::permission_list...,
        typename traits_of<Routes>::throttle_list...>::type>::type;
    using registry_type = detail::policy_registry<Ctx, policies>;

    template <class... Args>
    explicit basic_app(warden::settings s, Args&&... services)
        : ctx_(prepare(std::move(s)), std::forward<Args>(services)...), registry_(ctx_) {
        check_services(policies{});
        (check_at_start<Routes>(), ...);
    }

    basic_app(const basic_app&) = delete;
    basic_app& operator=(const basic_app&) = delete;

    Ctx& context() noexcept { return ctx_; }
    const warden::settings& settings() const noexcept { return ctx_.settings(); }
    warden::clock& clock() noexcept { return ctx_.clock(); }
    const registry_type& registry() const noexcept { return registry_; }

    /// Routes `path` (percent-decoded).
    static route_match match(std::string_view path) noexcept { return router_type::match(path); }

    /// True when the request's route may block the thread (password hashing, a
    /// database): the server then handles it off the I/O threads.
    static bool blocking(const http_request& msg) noexcept {
        std::string_view t = msg.target();
        t = t.substr(0, t.find('?'));
        if (t.find('%') != std::string_view::npos) return true;   // rare; decode on the worker
        auto m = router_type::match(t);
        return m.index >= 0 && blocking_table[static_cast<std::size_t>(m.index)];
    }

    /// Handles one request. `arena`, when given, supplies the response's header storage.
    http_response handle(http_request& msg, connection_info info = {}, detail::arena* arena = nullptr) {
        request req{msg, info};
        try {
            apply_proxies(req);
            auto m = router_type::match(req.path());
            if (!m) return detail::finish_response(not_routed(req), req, {}, arena);
            detail::pipeline_access::set_params(req, m.params.data(), m.param_count);
            return dispatch_table[static_cast<std::size_t>(m.index)](ctx_, registry_, req, arena);
        } catch (const std::exception&) {
            // A handler or store failed: a JSON 500, never a dropped connection.
            response r{http::status::internal_server_error, R"({"detail":"A server error occurred."})"};
            return detail::finish_response(std::move(r), req, {}, arena);
        }
    }

private:
    using dispatch_fn = http_response (*)(Ctx&, const registry_type&, request&, detail::arena*);

    // A constexpr array of function pointers indexed by route: the compiled equivalent
    // of a switch over routes (no dynamic dispatch, no type-erased callable). Each entry
    // is a function of its view, not of the route list, so symbol names stay short.
    static constexpr std::array<dispatch_fn, sizeof...(Routes)> dispatch_table{
        &detail::dispatch_view<typename Routes::view_type, Defaults, Ctx, registry_type>...};
    static constexpr std::array<bool, sizeof...(Routes)> blocking_table{traits_of<Routes>::blocking...};

    template <class... Ps>
    static void check_services(detail::type_list<Ps...>) {
        static_assert((detail::check_services<Ps, Ctx>::value && ...));
        static_assert((detail::check_services<typename Routes::view_type, Ctx>::value && ...));
    }

    // Lets each policy check a route's view at start (a scoped throttle whose scope has no
    // rate): misconfiguration stops the program before it serves, not on a request.
    template <class R>
    void check_at_start() const {
        using traits = traits_of<R>;
        check_policies<typename R::view_type>(typename traits::authenticators{});
        check_policies<typename R::view_type>(typename traits::permission_list{});
        check_policies<typename R::view_type>(typename traits::throttle_list{});
    }
    template <class View, class... Ps>
    void check_policies(detail::type_list<Ps...>) const {
        auto one = [&]<class P>() {
            if constexpr (requires(const P& p) { p.template check_view<View>(); })
                registry_.template get<P>().template check_view<View>();
        };
        (one.template operator()<Ps>(), ...);
    }

    static warden::settings prepare(warden::settings s) {
        if (s.secret_key.empty()) s.secret_key = crypto::random_hex(32);
        return s;
    }

    // Trusted proxies: with N configured, the client is the Nth address from the right
    // of X-Forwarded-For; otherwise the header is ignored (it is client-controlled).
    void apply_proxies(request& req) const {
        std::size_t n = ctx_.settings().num_proxies;
        if (n == 0) return;
        std::string_view xff = req.header("X-Forwarded-For");
        if (xff.empty()) return;
        std::string_view chosen;
        std::size_t seen = 0;
        while (seen < n) {
            auto comma = xff.rfind(',');
            std::string_view item = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            chosen = item;
            ++seen;
            if (comma == std::string_view::npos) break;
            xff = xff.substr(0, comma);
        }
        if (!chosen.empty()) detail::pipeline_access::set_remote_address(req, chosen);
    }

    response not_routed(request& req) const {
        // Django's APPEND_SLASH, for GET and HEAD: a permanent redirect to the path with '/'.
        if (ctx_.settings().append_slash && !req.path().ends_with('/') &&
            (req.method() == http::verb::get || req.method() == http::verb::head)) {
            std::string with_slash(req.path());
            with_slash.push_back('/');
            if (router_type::match(with_slash)) {
                response r{http::status::moved_permanently};
                std::string location(req.raw_path());
                location.push_back('/');
                if (!req.query_string().empty()) location.append("?").append(req.query_string());
                r.set_header(http::field::location, std::move(location));
                return r;
            }
        }
        return response{http::status::not_found, errors::not_found().render()};
    }

    Ctx ctx_;
    registry_type registry_;
};

namespace detail {

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
    using app_type = basic_app<Defaults, Routes, context<Defaults, Services...>>;
    auto services = std::tuple_cat(keep_service(std::forward<Args>(args))...);
    return std::apply([&](auto&&... sv) { return app_type(find_settings(args...), std::forward<decltype(sv)>(sv)...); },
                      std::move(services));
}

} // namespace detail

/// Builds an app from routes and optional defaults (template arguments) and services
/// (arguments): stores, keys, and optionally a `warden::settings`.
///
/// Lvalue services are held by reference (they must outlive the app); rvalues are moved in.
///
/// @code
/// warden::sqlite_store db{"warden.db"};
/// auto site = warden::app<warden::route<"/api/profile/", profile_api>,
///                         warden::route<"/api/token-auth/", warden::obtain_auth_token>>(db, warden::settings::from_env());
/// @endcode
template <class... Items, class... Args>
auto app(Args&&... args) {
    using split = detail::split_items<Items...>;
    static_assert((std::size_t{0} + ... + detail::is_settings<Args>) <= 1, "warden::app(...) takes at most one warden::settings");
    using services_list = typename detail::concat<detail::type_list<>,
        std::conditional_t<detail::is_settings<Args>, detail::type_list<>, detail::type_list<detail::service_storage<Args&&>>>...>::type;
    return detail::make_app<typename split::defaults, typename split::routes>(services_list{}, std::forward<Args>(args)...);
}

} // namespace warden

#endif
