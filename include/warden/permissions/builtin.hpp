/// @file
/// DRF's built-in permissions: allow_any, is_authenticated, is_admin_user,
/// is_authenticated_or_read_only.
#ifndef WARDEN_PERMISSIONS_BUILTIN_HPP
#define WARDEN_PERMISSIONS_BUILTIN_HPP

#include <warden/core/concepts.hpp>

namespace warden {

namespace detail {
// DRF's SAFE_METHODS: GET, HEAD, OPTIONS (not TRACE, which Django's CSRF also exempts).
// On the method name so permissions need no Beast header.
template <class Request>
constexpr bool is_safe(const Request& req) {
    auto m = req.method_string();
    return m == "GET" || m == "HEAD" || m == "OPTIONS";
}
} // namespace detail

/// Grants every request (DRF's AllowAny; the default when a view lists no permissions).
struct allow_any {
    using policy_kind = permission_tag;
    template <class Request, class View>
    constexpr bool has_permission(const Request&, const View&) const noexcept { return true; }
    template <class Request, class View, class Object>
    constexpr bool has_object_permission(const Request&, const View&, const Object&) const noexcept { return true; }
};

/// Grants authenticated users (DRF's IsAuthenticated).
struct is_authenticated {
    using policy_kind = permission_tag;
    template <class Request, class View>
    constexpr bool has_permission(const Request& req, const View&) const noexcept {
        return req.user().is_authenticated();
    }
};

/// Grants staff users (DRF's IsAdminUser: `user.is_staff`).
struct is_admin_user {
    using policy_kind = permission_tag;
    template <class Request, class View>
    constexpr bool has_permission(const Request& req, const View&) const noexcept {
        return req.user().is_authenticated() && req.user().is_staff;
    }
};

/// Grants safe methods to anyone and other methods to authenticated users
/// (DRF's IsAuthenticatedOrReadOnly).
struct is_authenticated_or_read_only {
    using policy_kind = permission_tag;
    template <class Request, class View>
    constexpr bool has_permission(const Request& req, const View&) const noexcept {
        return detail::is_safe(req) || req.user().is_authenticated();
    }
};

} // namespace warden

#endif
