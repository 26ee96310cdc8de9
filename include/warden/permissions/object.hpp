/// @file
/// Object-level permission checks for one permission: DRF's `has_object_permission`.
///
/// A permission makes an object-level decision by defining one of (ctx is last, as in
/// `has_permission(req, view, ctx)`):
/// - `bool has_object_permission(const Request&, const View&, const Object&) const`
/// - `bool has_object_permission(const Request&, const View&, const Object&, Ctx&) const`
/// - `permission_result evaluate_object(const Request&, const View&, const Object&, Ctx&) const`
///   (the combinators' form: a denial carries its message, code and 404 wish).
///
/// A permission that defines none of them allows every object, as DRF's
/// `BasePermission.has_object_permission` returns True. A view's handler does not call
/// this directly: it calls `warden::check_object_permissions` (warden/view/object_permissions.hpp).
///
/// This header pulls in neither OpenSSL nor Boost.JSON.
#ifndef WARDEN_PERMISSIONS_OBJECT_HPP
#define WARDEN_PERMISSIONS_OBJECT_HPP

#include <warden/permissions/concepts.hpp>

#include <concepts>
#include <type_traits>

namespace warden {

namespace detail {

// The app context (warden::context<...>): the only argument a policy constructor reads settings from.
template <class C>
concept app_context = requires { typename C::defaults_type; };

// A policy instance as the app's registry builds it: from the context when it takes one.
template <class P, class Ctx>
P make_policy(const Ctx& ctx) {
    if constexpr (std::is_constructible_v<P, const Ctx&>) return P(ctx);
    else return P{};
}

template <class P, class Request, class View, class Object, class Ctx>
concept object_evaluator = requires(const P& p, const Request& r, const View& v, const Object& o, Ctx& c) {
    { p.evaluate_object(r, v, o, c) } -> std::convertible_to<permission_result>;
};
template <class P, class Request, class View, class Object, class Ctx>
concept object_check_with_ctx = requires(const P& p, const Request& r, const View& v, const Object& o, Ctx& c) {
    { p.has_object_permission(r, v, o, c) } -> std::convertible_to<bool>;
};
template <class P, class Request, class View, class Object>
concept object_check = requires(const P& p, const Request& r, const View& v, const Object& o) {
    { p.has_object_permission(r, v, o) } -> std::convertible_to<bool>;
};

// A plain (non-template, non-overloaded) `has_object_permission` member: it exists, so
// failing to call it is a signature mistake, not "no object check".
template <class P>
concept named_object_check = requires { &P::has_object_permission; };

// Combinators say whether any operand decides at object level; a leaf decides when it
// defines an object check callable with these types.
template <class P, class Request, class View, class Object, class Ctx>
constexpr bool decides_object() {
    if constexpr (requires { { P::template decides_object<Request, View, Object, Ctx>() } -> std::convertible_to<bool>; })
        return P::template decides_object<Request, View, Object, Ctx>();
    else
        return object_evaluator<P, Request, View, Object, Ctx> || object_check_with_ctx<P, Request, View, Object, Ctx> ||
               object_check<P, Request, View, Object>;
}

} // namespace detail

/// Evaluates permission `p` at object level for `obj`, whichever form it implements; a
/// permission without an object check allows (DRF's BasePermission).
///
/// @param p the permission instance
/// @param req the request (already through authentication and the view-level check)
/// @param view the view handling it
/// @param ctx the app context
/// @param obj the object the handler is about to act on
/// @return allowed, or denied with the permission's message and code
///
/// @code
/// struct is_owner {
///     using policy_kind = warden::permission_tag;
///     static constexpr std::string_view message = "Only the owner may do that.";
///     template <class Request, class View>
///     bool has_permission(const Request&, const View&) const { return true; }
///     template <class Request, class View>
///     bool has_object_permission(const Request& req, const View&, const note& n) const {
///         return n.owner_id == req.user().id;
///     }
/// };
/// auto r = warden::check_object_permission(is_owner{}, req, view, ctx, n);
/// @endcode
template <class P, class Request, class View, class Ctx, class Object>
constexpr permission_result check_object_permission(const P& p, const Request& req, const View& view, Ctx& ctx,
                                                    const Object& obj) {
    if constexpr (detail::object_evaluator<P, Request, View, Object, Ctx>) {
        return p.evaluate_object(req, view, obj, ctx);
    } else if constexpr (detail::object_check_with_ctx<P, Request, View, Object, Ctx>) {
        if (p.has_object_permission(req, view, obj, ctx)) return permission_result::allow();
        return permission_result::deny(detail::permission_message<P>(), detail::permission_code<P>());
    } else if constexpr (detail::object_check<P, Request, View, Object>) {
        if (p.has_object_permission(req, view, obj)) return permission_result::allow();
        return permission_result::deny(detail::permission_message<P>(), detail::permission_code<P>());
    } else {
        static_assert(!detail::named_object_check<P>,
                      "warden: this permission's has_object_permission cannot be called for this object; declare it "
                      "as `bool has_object_permission(const Request&, const View&, const Object&) const` (optionally "
                      "with a fourth Ctx& parameter), or make it a template over the object type");
        return permission_result::allow();
    }
}

} // namespace warden

#endif
