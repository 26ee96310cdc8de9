/// @file
/// The permission concept.
///
/// Requirements of a permission `P` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::permission_tag;`
/// - `template <class Request, class View> bool has_permission(const Request&, const View&) const;`
///   (or with a third `Ctx&` parameter for permissions that need app services);
/// - optional `static constexpr std::string_view message` and `code`: what a denial
///   reports (default: DRF's "You do not have permission to perform this action.");
/// - optional `has_object_permission(const Request&, const View&, const Object&)` for
///   object-level checks (`check_object_permissions`).
/// Combinators implement `evaluate(req, view, ctx) -> permission_result` instead, so a
/// denial carries the message of the permission that denied.
///
/// Permissions are templates over the request type: this header pulls in neither
/// OpenSSL nor Boost.JSON.
#ifndef WARDEN_PERMISSIONS_CONCEPTS_HPP
#define WARDEN_PERMISSIONS_CONCEPTS_HPP

#include <warden/view/policy.hpp>

#include <string_view>

namespace warden {

/// DRF's default permission-denied message.
inline constexpr std::string_view default_permission_message = "You do not have permission to perform this action.";

/// The verdict of a permission: allowed, or denied with a message and code.
struct permission_result {
    bool allowed = true;
    std::string_view message = default_permission_message;
    std::string_view code = "permission_denied";
    /// Denials that should read as 404 rather than 403 (object permissions that hide existence).
    bool as_not_found = false;

    static constexpr permission_result allow() noexcept { return {}; }
    static constexpr permission_result deny(std::string_view msg = default_permission_message,
                                            std::string_view code = "permission_denied") noexcept {
        return {false, msg, code, false};
    }
    explicit constexpr operator bool() const noexcept { return allowed; }
};

namespace detail {

template <class P>
constexpr std::string_view permission_message() {
    if constexpr (requires { { P::message } -> std::convertible_to<std::string_view>; }) return P::message;
    else return default_permission_message;
}
template <class P>
constexpr std::string_view permission_code() {
    if constexpr (requires { { P::code } -> std::convertible_to<std::string_view>; }) return P::code;
    else return "permission_denied";
}

} // namespace detail

/// Evaluates permission `p` at view level, whichever form it implements.
template <class P, class Request, class View, class Ctx>
constexpr permission_result check_permission(const P& p, const Request& req, const View& view, Ctx& ctx) {
    if constexpr (requires { { p.evaluate(req, view, ctx) } -> std::convertible_to<permission_result>; }) {
        return p.evaluate(req, view, ctx);
    } else if constexpr (requires { { p.has_permission(req, view, ctx) } -> std::convertible_to<bool>; }) {
        if (p.has_permission(req, view, ctx)) return permission_result::allow();
        return permission_result::deny(detail::permission_message<P>(), detail::permission_code<P>());
    } else if constexpr (requires { { p.has_permission(req, view) } -> std::convertible_to<bool>; }) {
        if (p.has_permission(req, view)) return permission_result::allow();
        return permission_result::deny(detail::permission_message<P>(), detail::permission_code<P>());
    } else {
        static_assert(detail::always_false<P>,
                      "warden: a permission must define `bool has_permission(const Request&, const View&) const` "
                      "(optionally with a third Ctx& parameter) or `permission_result evaluate(req, view, ctx) const`");
        return {};
    }
}

/// True when `P` is a permission usable with `Request`, `View` and `Ctx`.
template <class P, class Request, class View, class Ctx>
concept permission_for = is_policy_of<P, permission_tag> &&
    (requires(const P& p, const Request& r, const View& v, Ctx& c) { { p.evaluate(r, v, c) } -> std::convertible_to<permission_result>; } ||
     requires(const P& p, const Request& r, const View& v, Ctx& c) { { p.has_permission(r, v, c) } -> std::convertible_to<bool>; } ||
     requires(const P& p, const Request& r, const View& v) { { p.has_permission(r, v) } -> std::convertible_to<bool>; });

} // namespace warden

#endif
