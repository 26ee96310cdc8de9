/// @file
/// The dispatch pipeline: DRF's APIView.dispatch as compile-time code.
///
/// Order (DRF 3.14): content negotiation (against the media type the view renders), authentication (authenticators in order,
/// first success wins, a failure stops the chain), permissions, throttles (all
/// checked, longest wait reported; a throttle whose store failed makes it 503), method
/// lookup, body parsing, handler. Failures
/// become DRF's responses: NotAuthenticated and AuthenticationFailed are 401 with
/// `WWW-Authenticate` when the view's first authenticator has a challenge, else 403.
///
/// Everything here is resolved at compile time per view: no dynamic dispatch, no
/// type-erased callable. The pieces it is built from: `view_traits` (view/traits.hpp),
/// `lazy_body` (view/lazy_body.hpp), and in view/detail/ the method table
/// (methods.hpp), negotiation, the shared stages and the OPTIONS metadata. This header
/// does not include Boost.JSON or OpenSSL; the app supplies the body storage type and
/// the parsers.
#ifndef WARDEN_VIEW_DISPATCH_HPP
#define WARDEN_VIEW_DISPATCH_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/view/detail/html_error.hpp>
#include <warden/view/detail/methods.hpp>
#include <warden/view/detail/negotiation.hpp>
#include <warden/view/detail/options_metadata.hpp>
#include <warden/view/detail/stages.hpp>
#include <warden/view/lazy_body.hpp>
#include <warden/view/traits.hpp>

#include <string_view>
#include <utility>

namespace warden {

/// What a view that renders HTML declares: `static constexpr std::string_view renders =
/// warden::html_renders;`. Such a view is not refused for its `Accept` header (Django's
/// views never answer 406), and its errors become pages.
inline constexpr std::string_view html_renders = "text/html";

namespace detail {

// The stages of a view's pipeline that depend only on its authenticators, its parsers
// and whether it renders pages, not on the view: authentication and every error
// response. They are out of line, so the views that share those lists share one
// compiled copy: GCC optimises it once per distinct list rather than once per view,
// and what each view compiles of an error path is a call (no inline api_error to
// build, move or destroy). A request that passes pays one call, for authentication.
template <class Auths, class Parsers, bool Page, class Ctx, class Storage>
struct list_stages {
    using body_type = lazy_body<Parsers, Storage>;

    // The authenticators in order: null, or the failure to answer.
    [[gnu::noinline]] static refusal authenticate(request& req, Ctx& ctx, body_type& body) {
        return run_authenticators(req, ctx, body, Auths{});
    }

    // DRF's exception handler (render_error); for a page, the same status and headers
    // with the detail as a page.
    [[gnu::cold, gnu::noinline]] static response error(Ctx& ctx, const api_error& e) {
        response r = render_error<Auths>(ctx, e);
        if constexpr (Page) render_as_page(r, e.detail);
        return r;
    }

    // 406: the Accept header does not admit what the view renders.
    [[gnu::cold, gnu::noinline]] static response not_acceptable(Ctx& ctx) { return error(ctx, errors::not_acceptable()); }

    // DRF's `Method "X" not allowed.`, with the method as Django spells it.
    [[gnu::cold, gnu::noinline]] static response method_not_allowed(Ctx& ctx, const request& req) {
        return error(ctx, errors::method_not_allowed(req.method_upper()));
    }
};

} // namespace detail

/// Runs the DRF pipeline for one view. Policies are the app's shared instances
/// (`ctx.template policy<P>()`); `Storage` owns the parsed body (`storage.data`, a
/// boost::json::object).
template <class View, class Defaults, class Ctx, class Storage>
class pipeline {
public:
    using traits = view_traits<View, Defaults, Ctx>;
    /// The view-independent stages, shared by the views with the same lists.
    using stages = detail::list_stages<typename traits::authenticators, typename traits::parser_list,
                                       traits::renders == html_renders, Ctx, Storage>;
    using body_type = typename stages::body_type;

    /// Handles `req` and returns the response before DRF's headers are added (the app
    /// adds Allow and queued headers).
    static response run(request& req, Ctx& ctx, Storage& storage) {
        // A page (like Django's views) answers whatever Accept says: a script posting to a
        // logout page with `Accept: application/json` still logs out.
        if constexpr (traits::renders != html_renders)
            if (!detail::accepts(req.header(http::field::accept), traits::renders)) return stages::not_acceptable(ctx);
        View view{};
        body_type body{req, storage};
        if constexpr (traits::authenticators::size > 0)   // none: not even a call
            if (auto e = stages::authenticate(req, ctx, body)) return error(ctx, *e);
        if (auto e = check_permissions(req, view, ctx, typename traits::permission_list{})) return error(ctx, *e);
        if (auto e = check_throttles(req, view, ctx, typename traits::throttle_list{})) return error(ctx, *e);
        const method_id m = detail::method_of(req);
        if (m == method_id::options) {
            if constexpr (!traits::has_options)
                return detail::options_metadata(detail::options_facts_for<View, typename traits::parser_list>);
        } else if (!handles(m)) {
            return stages::method_not_allowed(ctx, req);
        }
        try {
            // DRF parses lazily; warden parses a non-empty body right before the handler (or
            // earlier when an authenticator asked), after authentication, permissions,
            // throttles and the method check, so a refused request never reaches a parser.
            if (const api_error* e = body.parse()) return error(ctx, *e);
            switch (m) {
            case method_id::get: if constexpr (traits::has_get) return detail::call_handler<method_id::get>(view, req, ctx); break;
            case method_id::post: if constexpr (traits::has_post) return detail::call_handler<method_id::post>(view, req, ctx); break;
            case method_id::put: if constexpr (traits::has_put) return detail::call_handler<method_id::put>(view, req, ctx); break;
            case method_id::patch: if constexpr (traits::has_patch) return detail::call_handler<method_id::patch>(view, req, ctx); break;
            case method_id::delete_: if constexpr (traits::has_delete) return detail::call_handler<method_id::delete_>(view, req, ctx); break;
            case method_id::head:
                if constexpr (detail::has_head<View, Ctx>) return detail::call_handler<method_id::head>(view, req, ctx);
                else if constexpr (traits::has_get) return detail::call_handler<method_id::get>(view, req, ctx);
                break;
            case method_id::options:
                if constexpr (traits::has_options) return detail::call_handler<method_id::options>(view, req, ctx);
                break;
            default: break;
            }
        } catch (api_error& e) {
            // Handlers may `throw errors::not_found();` as DRF views raise APIException.
            return error(ctx, e);
        }
        return stages::method_not_allowed(ctx, req);   // not reached: handles(m) said so
    }

    /// The response for `e` as DRF's exception handler renders it for this view (for a
    /// view that renders HTML, the same status and headers with the detail as a page).
    static response error(Ctx& ctx, const api_error& e) { return stages::error(ctx, e); }

private:
    template <class... Ps>
    static detail::refusal check_permissions(request& req, const View& view, Ctx& ctx, detail::type_list<Ps...>) {
        detail::refusal denied;
        (void)((check_one<Ps>(req, view, ctx, denied)) || ...);
        return denied;
    }

    template <class P>
    static bool check_one(request& req, const View& view, Ctx& ctx, detail::refusal& denied) {
        static_assert(permission_for<P, request, View, Ctx>,
                      "warden: a permission must define `bool has_permission(const request&, const View&) const` "
                      "or `permission_result evaluate(const request&, const View&, Ctx&) const`");
        permission_result r = check_permission(ctx.template policy<P>(), std::as_const(req), view, ctx);
        if (r.allowed) return false;
        denied = detail::permission_refusal<typename traits::authenticators>(req, r);
        return true;
    }

    template <class... Ts>
    static detail::refusal check_throttles(request& req, const View& view, Ctx& ctx, detail::type_list<Ts...>) {
        if constexpr (sizeof...(Ts) == 0) {
            return nullptr;
        } else {
            bool throttled = false, unavailable = false;
            double longest = -1;
            auto one = [&]<class T>() {
                static_assert(throttle_for<T, request, View, Ctx>,
                              "warden: a throttle must define `throttle_result allow_request(request&, const View&, Ctx&) const`");
                throttle_result r = ctx.template policy<T>().allow_request(req, view, ctx);
                if (!r.allowed) {
                    throttled = true;
                    unavailable = unavailable || r.unavailable;
                    if (r.wait > longest) longest = r.wait;
                }
            };
            (one.template operator()<Ts>(), ...);
            if (!throttled) return nullptr;
            return detail::throttle_refusal(unavailable, longest);
        }
    }

    // Whether the view answers `m` (OPTIONS aside): a constant per view and method.
    static constexpr bool handles(method_id m) noexcept {
        switch (m) {
        case method_id::get: return traits::has_get;
        case method_id::post: return traits::has_post;
        case method_id::put: return traits::has_put;
        case method_id::patch: return traits::has_patch;
        case method_id::delete_: return traits::has_delete;
        case method_id::head: return detail::has_head<View, Ctx> || traits::has_get;
        case method_id::options: return true;
        default: return false;
        }
    }
};

} // namespace warden

#endif
