// The app and the access-log sink as the server's connection loop sees them. By default
// (header-only) the loop is instantiated for the app and the sink themselves, and every
// call is static. With WARDEN_SEPARATE_COMPILATION the loop (Asio, Beast, TLS) is one
// piece of code for every app, compiled once per program (warden/src.hpp), and sees them
// as app_ref and sink_ref: a pointer and the function that calls it; a request then
// costs one indirect call more. No Asio here.
#ifndef WARDEN_SERVER_DETAIL_ERASED_HPP
#define WARDEN_SERVER_DETAIL_ERASED_HPP

#include <warden/app/router.hpp>
#include <warden/core/detail/arena.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>

#include <concepts>
#include <string_view>

namespace warden::detail {

// Apps that route a request once, before it is handled (warden::app): `app.plan(msg)`
// says where the route runs (`work_kind`), `try_reserve_reads` whether a `store_read`
// route may run on this thread now, and `handle` takes the plan back.
template <class App>
concept routes_once = requires(App& app, http_request& m, const route_plan& p, connection_info i, arena* a) {
    { app.plan(m) } -> std::same_as<route_plan>;
    { app.handle(m, p, i, a) } -> std::same_as<http_response>;
    { app.try_reserve_reads(p) } noexcept -> std::same_as<bool>;
    { app.release_reads(p) } noexcept;
};

/// Any app, behind function pointers. An app that does not plan its routes gets the
/// default plan (handled inline) and `routes_once` false (the server starts no pools).
struct app_ref {
    void* app = nullptr;
    route_plan (*plan_fn)(void*, http_request&) = nullptr;
    http_response (*handle_fn)(void*, http_request&, const route_plan&, connection_info, arena*) = nullptr;
    bool (*reads_fn)(void*, const route_plan&, bool take) noexcept = nullptr;
    bool routes_once = false;

    route_plan plan(http_request& m) const { return plan_fn(app, m); }
    bool try_reserve_reads(const route_plan& p) const noexcept { return reads_fn(app, p, true); }
    void release_reads(const route_plan& p) const noexcept { reads_fn(app, p, false); }
    http_response handle(http_request& m, const route_plan& p, connection_info i, arena* a) const {
        return handle_fn(app, m, p, i, a);
    }
};

template <class App>
app_ref make_app_ref(App& app) {
    app_ref r;
    r.app = &app;
    if constexpr (routes_once<App>) {
        r.routes_once = true;
        r.plan_fn = [](void* p, http_request& m) -> route_plan { return static_cast<App*>(p)->plan(m); };
        r.handle_fn = [](void* p, http_request& m, const route_plan& plan, connection_info i, arena* a) -> http_response {
            return static_cast<App*>(p)->handle(m, plan, i, a);
        };
        r.reads_fn = [](void* p, const route_plan& plan, bool take) noexcept -> bool {
            if (take) return static_cast<App*>(p)->try_reserve_reads(plan);
            static_cast<App*>(p)->release_reads(plan);
            return false;
        };
    } else {
        r.plan_fn = [](void*, http_request&) { return route_plan{}; };
        r.handle_fn = [](void* p, http_request& m, const route_plan&, connection_info i, arena* a) -> http_response {
            return static_cast<App*>(p)->handle(m, i, a);
        };
    }
    return r;
}

/// Any access-log sink (a callable taking `std::string_view`).
struct sink_ref {
    void* sink = nullptr;
    void (*fn)(void*, std::string_view) = nullptr;

    void operator()(std::string_view line) const { fn(sink, line); }
};

template <class Sink>
sink_ref make_sink_ref(Sink& sink) {
    return {&sink, [](void* p, std::string_view line) { (*static_cast<Sink*>(p))(line); }};
}

/// What `server<App, Sink>` hands its core: the app and sink themselves (header-only), or
/// their app_ref and sink_ref (WARDEN_SEPARATE_COMPILATION).
template <class App, class Sink>
struct core_refs {
#if defined(WARDEN_SEPARATE_COMPILATION)
    using app_type = app_ref;
    using sink_type = sink_ref;
    core_refs(App& a, Sink& s) : app(make_app_ref(a)), sink(make_sink_ref(s)) {}
    app_ref app;
    sink_ref sink;
#else
    using app_type = App;
    using sink_type = Sink;
    core_refs(App& a, Sink& s) noexcept : app(a), sink(s) {}
    App& app;
    Sink& sink;
#endif
};

} // namespace warden::detail

#endif
