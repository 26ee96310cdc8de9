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

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

/// What a view that renders HTML declares: `static constexpr std::string_view renders =
/// warden::html_renders;`. Such a view is not refused for its `Accept` header (Django's
/// views never answer 406), and its errors become pages.
inline constexpr std::string_view html_renders = "text/html";

/// Runs the DRF pipeline for one view. Policies are the app's shared instances
/// (`ctx.template policy<P>()`); `Storage` owns the parsed body (`storage.data`, a
/// boost::json::object).
template <class View, class Defaults, class Ctx, class Storage>
class pipeline {
public:
    using traits = view_traits<View, Defaults, Ctx>;
    using body_type = lazy_body<typename traits::parser_list, Storage>;

    /// Handles `req` and returns the response before DRF's headers are added (the app
    /// adds Allow and queued headers).
    static response run(request& req, Ctx& ctx, Storage& storage) {
        // A page (like Django's views) answers whatever Accept says: a script posting to a
        // logout page with `Accept: application/json` still logs out.
        if constexpr (traits::renders != html_renders)
            if (!detail::accepts(req.header(http::field::accept), traits::renders)) return error(ctx, errors::not_acceptable());
        View view{};
        body_type body{req, storage};
        if (auto e = detail::run_authenticators(req, ctx, body, typename traits::authenticators{}))
            return error(ctx, std::move(*e));
        if (auto e = check_permissions(req, view, ctx, typename traits::permission_list{})) return error(ctx, std::move(*e));
        if (auto e = check_throttles(req, view, ctx, typename traits::throttle_list{})) return error(ctx, std::move(*e));
        try {
            switch (detail::method_of(req)) {
            case method_id::get: if constexpr (traits::has_get) return handle<method_id::get>(view, req, ctx, body); break;
            case method_id::post: if constexpr (traits::has_post) return handle<method_id::post>(view, req, ctx, body); break;
            case method_id::put: if constexpr (traits::has_put) return handle<method_id::put>(view, req, ctx, body); break;
            case method_id::patch: if constexpr (traits::has_patch) return handle<method_id::patch>(view, req, ctx, body); break;
            case method_id::delete_: if constexpr (traits::has_delete) return handle<method_id::delete_>(view, req, ctx, body); break;
            case method_id::head:
                if constexpr (detail::has_head<View, Ctx>) return handle<method_id::head>(view, req, ctx, body);
                else if constexpr (traits::has_get) return handle<method_id::get>(view, req, ctx, body);
                break;
            case method_id::options:
                if constexpr (traits::has_options) return handle<method_id::options>(view, req, ctx, body);
                else return detail::options_metadata<View, typename traits::parser_list>();
            default: break;
            }
        } catch (api_error& e) {
            // Handlers may `throw errors::not_found();` as DRF views raise APIException.
            return error(ctx, std::move(e));
        }
        return error(ctx, detail::method_not_allowed_for(req));
    }

    /// The response for `e` as DRF's exception handler renders it for this view (for a
    /// view that renders HTML, the same status and headers with the detail as a page).
    static response error(Ctx& ctx, api_error e) {
        if constexpr (traits::renders == html_renders) {
            std::string detail = e.detail;
            response r = detail::render_error<typename traits::authenticators>(ctx, std::move(e));
            detail::render_as_page(r, detail);
            return r;
        } else {
            return detail::render_error<typename traits::authenticators>(ctx, std::move(e));
        }
    }

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
        denied = detail::refuse(detail::permission_denial<typename traits::authenticators>(req, r));
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
            if (unavailable) return detail::refuse(errors::service_unavailable());
            return detail::refuse(errors::throttled(longest < 0 ? -1 : static_cast<std::int64_t>(std::ceil(longest))));
        }
    }

    template <method_id M>
    static response handle(View& view, request& req, Ctx& ctx, body_type& body) {
        // DRF parses lazily; warden parses a non-empty body right before the handler (or
        // earlier when an authenticator asked), after authentication, permissions and
        // throttles, so a refused request never reaches a parser.
        if (const api_error* e = body.parse()) return error(ctx, *e);
        return detail::call_handler<M>(view, req, ctx);
    }
};

} // namespace warden

#endif
