/// @file
/// `app<...>(services...)`: routes, defaults and services assembled into a statically
/// dispatched request handler, served by `serve()` or driven by the test client.
#ifndef WARDEN_APP_APP_HPP
#define WARDEN_APP_APP_HPP

#include <warden/app/cors.hpp>
#include <warden/app/detail/app.hpp>
#include <warden/app/route.hpp>
#include <warden/app/router.hpp>
#include <warden/app/services.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/context.hpp>
#include <warden/core/detail/arena.hpp>
#include <warden/core/detail/ip_address.hpp>
#include <warden/core/host.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/random.hpp>
#include <warden/store/failure.hpp>
#include <warden/view/traits.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace warden {

/// The app: a router, a view pipeline per route, the services and the settings.
/// Built by `warden::app<...>(...)`; not named directly.
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

    // The unique policy types used by all routes: what the context's registry holds.
    using policies = typename detail::app_policies<Defaults, detail::type_list<Routes...>>::type;
    using registry_type = typename Ctx::registry_type;

    template <class... Args>
    explicit basic_app(warden::settings s, Args&&... services)
        : ctx_(prepare(std::move(s)), std::forward<Args>(services)...), cors_(ctx_.settings().cors) {
        check_services(policies{});
        (detail::check_view_at_start<typename Routes::view_type, Defaults>(ctx_), ...);
    }

    basic_app(const basic_app&) = delete;
    basic_app& operator=(const basic_app&) = delete;

    Ctx& context() noexcept { return ctx_; }
    const warden::settings& settings() const noexcept { return ctx_.settings(); }
    warden::clock& clock() noexcept { return ctx_.clock(); }
    /// The app's CORS policy, built from `settings().cors` (off unless an origin is allowed).
    const cors_policy& cors() const noexcept { return cors_; }
    /// The app's shared policy instances (one per policy type its routes use).
    const registry_type& registry() const noexcept { return ctx_.registry(); }

    /// Routes `path` (percent-decoded).
    static route_match match(std::string_view path) noexcept { return router_type::match(path); }

    /// Routes `msg` by its target, once, before it is handled: the server reads `work`
    /// to run a route that hashes passwords or waits on a database off the I/O threads,
    /// on the pool for that kind of work, and passes the plan to `handle()`.
    static route_plan plan(const http_request& msg) noexcept {
        route_plan p;
        p.target = detail::split_target::of(msg.target());
        const std::string_view t = p.target.path;
        if (!p.target.escaped) {
            p.routed = true;
            p.match = router_type::match(t);
            p.work = work_of(p.match);
            return p;
        }
        // Rare: percent-escapes. handle() decodes and routes the path; the pool is chosen
        // by the decoded route all the same, so an escape cannot move a hashing route
        // onto the blocking pool.
        try {
            p.work = work_of(router_type::match(detail::percent_decode(t, false)));
            // Reads reserve by route index, which only handle() learns here: the pool.
            if (p.work == work_kind::store_read) p.work = work_kind::blocking;
        } catch (...) {
            p.work = work_kind::hashing;   // out of memory: the most restricted queue
        }
        return p;
    }

    /// Where the server runs the request (`plan(msg).work`).
    static work_kind work_of(const http_request& msg) noexcept { return plan(msg).work; }
    /// True when the request's route may block the thread (`work_of(msg)` is not inline).
    static bool blocking(const http_request& msg) noexcept { return work_of(msg) != work_kind::inline_; }

    /// For a request whose plan says `work_kind::store_read`: reserves for the calling
    /// thread an idle connection of each blocking store the route uses, without waiting.
    /// True when it did: the request may then be handled on this thread, and
    /// `release_reads(plan)` must follow. False (holding nothing) when a store has no
    /// connection idle, or the plan is not `store_read`: the request goes to the
    /// blocking pool.
    bool try_reserve_reads(const route_plan& plan) noexcept {
        if (plan.work != work_kind::store_read || plan.match.index < 0) return false;
        return reads_table[static_cast<std::size_t>(plan.match.index)](ctx_, true);
    }
    /// Gives back what `try_reserve_reads(plan)` reserved.
    void release_reads(const route_plan& plan) noexcept {
        if (plan.work == work_kind::store_read && plan.match.index >= 0)
            reads_table[static_cast<std::size_t>(plan.match.index)](ctx_, false);
    }

    /// Handles one request. `arena`, when given, supplies the response's header storage.
    http_response handle(http_request& msg, connection_info info = {}, detail::arena* arena = nullptr) {
        return handle(msg, plan(msg), info, arena);
    }

    /// Handles one request routed by `plan(msg)` (of this very message, unchanged since).
    http_response handle(http_request& msg, const route_plan& plan, connection_info info = {},
                         detail::arena* arena = nullptr) {
        request req{msg, plan.target, info};
        try {
            if (auto refused = check_origin_facts(req); refused != origin_refusal::none)
                return detail::finish_response(origin_refused(refused), req, {}, arena);
            // CORS before routing, as django-cors-headers' middleware: a preflight is
            // answered here, without authentication; other requests get its headers.
            if (cors_.apply(req)) return detail::finish_response(response{http::status::ok}, req, {}, arena);
            route_match decoded;
            if (!plan.routed) decoded = router_type::match(req.path());
            const route_match& m = plan.routed ? plan.match : decoded;
            if (!m) return detail::finish_response(not_routed(req), req, {}, arena);
            detail::pipeline_access::set_params(req, m.params.data(), m.param_count);
            const auto i = static_cast<std::size_t>(m.index);
            body_storage storage;
            response r = run_table[i](req, ctx_, storage);
            return detail::finish_response(std::move(r), req, allow_table[i], arena);
        } catch (const std::system_error& e) {
            // A store that cannot serve, its failure thrown by a handler: 503, as
            // warden's own policies and views answer it.
            if (is_store_failure(e.code())) return detail::finish_response(store_unavailable(), req, {}, arena);
            return detail::finish_response(server_error(), req, {}, arena);
        } catch (const std::exception&) {
            // A handler failed: a JSON 500, never a dropped connection.
            return detail::finish_response(server_error(), req, {}, arena);
        }
    }

private:
    using run_fn = response (*)(request&, Ctx&, body_storage&);

    // A constexpr array of function pointers indexed by route: the compiled equivalent
    // of a switch over routes (no dynamic dispatch, no type-erased callable). Each entry
    // is its view's pipeline, a function of the view, not of the route list, so symbol
    // names stay short; everything around it (the body storage, the Beast message) is
    // handle()'s, compiled once for all routes.
    static constexpr std::array<run_fn, sizeof...(Routes)> run_table{
        &pipeline<typename Routes::view_type, Defaults, Ctx, body_storage>::run...};
    static constexpr std::array<std::string_view, sizeof...(Routes)> allow_table{traits_of<Routes>::allow...};
    static constexpr std::array<work_kind, sizeof...(Routes)> work_table{traits_of<Routes>::work...};

    // Per route: reserve (`take`) or give back the connections of its `store_read`
    // reads; null for other routes. Routes reading the same services share one function.
    using reads_fn = bool (*)(Ctx&, bool take) noexcept;
    template <class R>
    static constexpr reads_fn reads_of() {
        if constexpr (traits_of<R>::work == work_kind::store_read)
            return &detail::reserve_reads<Ctx, typename traits_of<R>::required_services>;
        else
            return nullptr;
    }
    static constexpr std::array<reads_fn, sizeof...(Routes)> reads_table{reads_of<Routes>()...};

    static work_kind work_of(const route_match& m) noexcept {
        return m.index >= 0 ? work_table[static_cast<std::size_t>(m.index)] : work_kind::inline_;
    }

    template <class... Ps>
    static void check_services(detail::type_list<Ps...>) {
        static_assert((detail::check_services<Ps, Ctx>::value && ...));
        static_assert((detail::check_services<typename Routes::view_type, Ctx>::value && ...));
    }

    static warden::settings prepare(warden::settings s) {
        if (s.secret_key.empty()) s.secret_key = crypto::random_hex(32);
        return s;
    }

    // What the request says about where it came from, checked before any view runs:
    // the Host against settings.allowed_hosts (Django's get_host), the secure-proxy
    // header, and the client address a trusted proxy wrote into X-Forwarded-For. The
    // verdict is a small enum: the refusal's response is built on that path only.
    enum class origin_refusal : unsigned char { none, host, forwarded_for };
    origin_refusal check_origin_facts(request& req) const {
        const auto& s = ctx_.settings();
        // HTTP/1.0 may omit Host (the server checks that 1.1 sends exactly one).
        if (!allowed_any_host_) {
            const http_request& msg = req.message();
            if (auto host = find_field(msg, http::field::host); host != msg.end() && !host_allowed(host->value(), s.allowed_hosts))
                return origin_refusal::host;
        }
        if (!s.secure_proxy_ssl_header.name.empty() &&
            req.header(s.secure_proxy_ssl_header.name) == s.secure_proxy_ssl_header.value)
            detail::pipeline_access::set_secure(req);
        if (s.num_proxies != 0 && !apply_proxies(req, s.num_proxies)) return origin_refusal::forwarded_for;
        return origin_refusal::none;
    }
    [[gnu::cold]] static response origin_refused(origin_refusal r) {
        return response{http::status::bad_request, r == origin_refusal::host ? R"({"detail":"Invalid Host header."})"
                                                                              : R"({"detail":"Invalid X-Forwarded-For header."})"};
    }

    // Trusted proxies: with N configured, the client is the Nth address from the right
    // of X-Forwarded-For (the leftmost when there are fewer), as DRF's get_ident; without
    // the header, the peer. An entry that is not an IP address is refused rather than
    // used as a throttle key: a client could otherwise pick its own bucket, or share one.
    static bool apply_proxies(request& req, std::size_t n) {
        std::string_view xff = req.header("X-Forwarded-For");
        if (xff.empty()) return true;
        std::string_view chosen;
        for (std::size_t seen = 0; seen < n; ++seen) {
            auto comma = xff.rfind(',');
            chosen = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
            while (!chosen.empty() && chosen.front() == ' ') chosen.remove_prefix(1);
            while (!chosen.empty() && chosen.back() == ' ') chosen.remove_suffix(1);
            if (comma == std::string_view::npos) break;
            xff = xff.substr(0, comma);
        }
        if (!detail::is_ip_address(chosen)) return false;
        detail::pipeline_access::set_remote_address(req, chosen);
        return true;
    }

    [[gnu::cold]] static response server_error() {
        return response{http::status::internal_server_error, R"({"detail":"A server error occurred."})"};
    }
    [[gnu::cold]] static response store_unavailable() {
        const api_error e = errors::service_unavailable();
        response r{e.status, e.render()};
        r.set_header(http::field::retry_after, std::to_string(e.retry_after()));
        return r;
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
    bool allowed_any_host_ = std::ranges::find(ctx_.settings().allowed_hosts, "*") != ctx_.settings().allowed_hosts.end();
    cors_policy cors_;
};

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
