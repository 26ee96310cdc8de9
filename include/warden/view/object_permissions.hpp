/// @file
/// Object-level permissions from a handler: DRF's `self.check_object_permissions(request, obj)`.
///
/// The view's permission list (its `permissions<...>`, or the app's default) is checked
/// against one object, in order; the first denial decides, as in DRF:
/// - NotAuthenticated (401 with the view's challenge, or 403) when the view has
///   authenticators and none succeeded;
/// - 404 "Not found." when the denial asks for it (`as_not_found<P>`);
/// - otherwise 403 with the message and code of the permission that denied.
///
/// The handler calls it after loading the object and before acting on it:
///
/// @code
/// struct note_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                    warden::permissions<warden::is_authenticated, owner_or_staff>> {
///     template <class Ctx>
///     warden::response put(warden::request& req, Ctx& ctx) {
///         note n = load(req.param("id"));
///         warden::check_object_permissions(req, *this, ctx, n);   // 403/404/401 as DRF
///         ...
///     }
/// };
/// @endcode
///
/// `check_object_permissions` reports a denial by throwing the `api_error`, which the
/// pipeline catches and renders exactly as a view-level denial (it is the only way a
/// handler can hand an error back to the pipeline with the view's challenge). Code that
/// prefers a value uses `object_permission_denial` (an optional error) or
/// `has_object_permissions` (a bool, e.g. to filter a list).
///
/// The permissions checked are the app's shared instances, the ones the pipeline checked
/// at view level (`ctx.template policy<P>()`). This header pulls in neither OpenSSL nor
/// Boost.JSON.
#ifndef WARDEN_VIEW_OBJECT_PERMISSIONS_HPP
#define WARDEN_VIEW_OBJECT_PERMISSIONS_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/request.hpp>
#include <warden/view/detail/stages.hpp>
#include <warden/view/traits.hpp>

#include <optional>
#include <string>
#include <utility>

namespace warden {

namespace detail {

// The app's instance of P; built for the call when `View` is not routed in this app, so
// its permissions are not in the app's registry.
template <class P, class Ctx>
decltype(auto) policy_instance(const Ctx& ctx) {
    if constexpr (Ctx::registry_type::template contains<P>) return ctx.template policy<P>();
    else return make_policy<P>(ctx);
}

template <class View, class Ctx, class Object, class... Ps>
permission_result first_object_denial(const request& req, const View& view, Ctx& ctx, const Object& obj,
                                      type_list<Ps...>) {
    permission_result out = permission_result::allow();
    (void)(((out = check_object_permission(policy_instance<Ps>(ctx), req, view, ctx, obj)).allowed) && ...);
    return out;
}

} // namespace detail

/// The error DRF's `check_object_permissions` would raise for `obj`, or none.
///
/// @param req the request being handled
/// @param view the handling view (`*this` in a handler)
/// @param ctx the app context (the handler's second parameter)
/// @param obj the object about to be read or changed
/// @return empty when every permission of the view allows `obj`; otherwise
///         NotAuthenticated, NotFound or PermissionDenied (see the file notes)
///
/// @code
/// if (auto denied = warden::object_permission_denial(req, *this, ctx, n)) log_refusal(n, denied->status);
/// @endcode
template <class View, class Ctx, class Object>
std::optional<api_error> object_permission_denial(const request& req, const View& view, Ctx& ctx, const Object& obj) {
    using traits = view_traits<View, typename Ctx::defaults_type, Ctx>;
    permission_result r = detail::first_object_denial(req, view, ctx, obj, typename traits::permission_list{});
    if (r.allowed) return std::nullopt;
    return detail::permission_denial<typename traits::authenticators>(req, r);
}

/// True when every permission of the view allows `obj` (for filtering lists, where a
/// refused object is left out rather than refused).
///
/// @code
/// for (auto& n : all_notes) if (warden::has_object_permissions(req, *this, ctx, n)) out.push_back(to_json(n));
/// @endcode
template <class View, class Ctx, class Object>
bool has_object_permissions(const request& req, const View& view, Ctx& ctx, const Object& obj) {
    using traits = view_traits<View, typename Ctx::defaults_type, Ctx>;
    return detail::first_object_denial(req, view, ctx, obj, typename traits::permission_list{}).allowed;
}

/// DRF's `check_object_permissions(request, obj)`: returns when every permission of the
/// view allows `obj`, and otherwise throws the `api_error` of `object_permission_denial`,
/// which the pipeline renders as it renders a view-level denial.
///
/// @throws api_error NotAuthenticated, NotFound or PermissionDenied
///
/// @code
/// template <class Ctx>
/// warden::response delete_(warden::request& req, Ctx& ctx) {
///     auto n = notes.find(req.param("id"));
///     if (!n) throw warden::errors::not_found();
///     warden::check_object_permissions(req, *this, ctx, *n);
///     notes.erase(n->id);
///     return warden::response{warden::http::status::no_content};
/// }
/// @endcode
template <class View, class Ctx, class Object>
void check_object_permissions(const request& req, const View& view, Ctx& ctx, const Object& obj) {
    if (auto e = object_permission_denial(req, view, ctx, obj)) throw std::move(*e);
}

} // namespace warden

#endif
