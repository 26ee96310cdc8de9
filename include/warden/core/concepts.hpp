/// @file
/// The policy concepts: what an authenticator, a permission and a throttle provide, and
/// the results they return. The dispatch pipeline (warden/view/dispatch.hpp) needs
/// nothing else from a policy, so it depends on no policy folder.
///
/// Requirements of an authenticator `A` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::authenticator_tag;`
/// - `template <class Ctx> auth_result authenticate(request& req, Ctx& ctx) const;`
///   returns `auth_result::none()` when the request carries no credentials for this
///   scheme (the next authenticator is tried), `auth_result::success(user, info)`, or
///   `auth_result::failure(error)`, which stops the chain (DRF's AuthenticationFailed).
///   An authenticator that must read the body (a CSRF form field) takes a third
///   parameter, `template <class Ctx, class Body> auth_result authenticate(request&, Ctx&, Body& body) const`,
///   and calls `body.parse()` (see `lazy_body` in warden/view/lazy_body.hpp).
/// - optional `static constexpr std::string_view challenge = "Token";` — the
///   `WWW-Authenticate` value; a view whose first authenticator has one answers 401,
///   otherwise 403. Or `std::string challenge(const Ctx&) const` when it depends on
///   settings.
/// - optional `static constexpr std::string_view scheme = "token";` (for `auth().scheme`).
/// - optional `static constexpr bool may_block = true;` when it does CPU-heavy work
///   (password hashing), and `using requires_services = warden::services<tags...>;`
///   naming the app services it uses (stores, keys). The server runs a route whose
///   policies may block, or use a blocking store, off the I/O threads.
/// - optional `static constexpr bool store_reads_only = true;` when its store calls only
///   read (a write it may make is one it can do without, such as deleting an expired
///   token). A route whose blocking store calls all come from such policies runs on the
///   I/O thread when the store has a connection idle (`work_kind::store_read`).
///
/// Requirements of a permission `P` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::permission_tag;`
/// - `template <class Request, class View> bool has_permission(const Request&, const View&) const;`
///   (or with a third `Ctx&` parameter for permissions that need app services);
/// - optional `static constexpr std::string_view message` and `code`: what a denial
///   reports (default: DRF's "You do not have permission to perform this action.");
/// - optional, for object-level checks (`check_object_permissions`), one of (ctx is
///   last, as in `has_permission(req, view, ctx)`):
///   `bool has_object_permission(const Request&, const View&, const Object&) const`,
///   the same with a fourth `Ctx&` parameter, or
///   `permission_result evaluate_object(const Request&, const View&, const Object&, Ctx&) const`.
///   A permission that defines none of them allows every object, as DRF's
///   `BasePermission.has_object_permission` returns True.
/// Combinators implement `evaluate(req, view, ctx) -> permission_result` (and
/// `evaluate_object`) instead, so a denial carries the message of the permission that
/// denied. Permissions are templates over the request type.
///
/// Requirements of a throttle `T` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::throttle_tag;`
/// - `template <class View, class Ctx> throttle_result allow_request(request&, const View&, Ctx&) const;`
///   which records the request when allowed, and otherwise says how long to wait
///   (`throttle_result::deny(wait)`), or `throttle_result::store_failed()` when its
///   counter store failed (the request is then answered 503, not 429).
/// A throttle may take `const Ctx&` in its constructor to read settings once at start
/// (the app builds one instance per throttle type and shares it between threads, so
/// `allow_request` must be thread-safe).
///
/// This header pulls in neither OpenSSL nor Boost.JSON.
#ifndef WARDEN_CORE_CONCEPTS_HPP
#define WARDEN_CORE_CONCEPTS_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/policy.hpp>
#include <warden/core/request.hpp>

#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace warden {

// --- Authenticators ------------------------------------------------------------------

/// The outcome of one authenticator: no credentials for it, success, or failure.
class auth_result {
public:
    enum class state : unsigned char { none, success, failure };

    /// No credentials (as `none()`). User-provided, so `auth_result{}` is not zero-filled.
    auth_result() noexcept {}

    /// The request has no credentials for this scheme (DRF: `return None`).
    static auth_result none() noexcept { return auth_result(); }
    /// Authenticated as `u`, with what identifies the credential (`auth_info`), if anything.
    /// (Without an `auth_info`, the result is built in place: no empty info is moved.)
    static auth_result success(std::shared_ptr<const user> u) {
        auth_result r;
        r.state_ = state::success;
        r.user_ = std::move(u);
        return r;
    }
    static auth_result success(std::shared_ptr<const user> u, auth_info&& info) { return auth_result(std::move(u), std::move(info)); }
    static auth_result success(std::shared_ptr<const user> u, const auth_info& info) { return success(std::move(u), auth_info(info)); }
    /// Credentials were given but are wrong (DRF: `raise AuthenticationFailed`), or the
    /// request must be refused outright (e.g. a CSRF failure, `errors::permission_denied`).
    static auth_result failure(api_error e) {
        auth_result r;
        r.state_ = state::failure;
        r.error_ = std::make_unique<api_error>(std::move(e));
        return r;
    }

    state status() const noexcept { return state_; }
    bool succeeded() const noexcept { return state_ == state::success; }
    bool failed() const noexcept { return state_ == state::failure; }

    std::shared_ptr<const user>& user_ptr() noexcept { return user_; }
    auth_info& info() noexcept { return info_; }
    /// The failure; only when `failed()`.
    api_error& error() noexcept { return *error_; }

private:
    auth_result(std::shared_ptr<const user>&& u, auth_info&& info) noexcept
        : state_(state::success), user_(std::move(u)), info_(std::move(info)) {}

    state state_ = state::none;
    std::shared_ptr<const user> user_;
    auth_info info_;
    // Set on failure only: the success and "no credentials" paths build and destroy
    // nothing for it (a std::optional<api_error> would be cleared on every request).
    std::unique_ptr<api_error> error_;
};

namespace detail {
// Stands for the pipeline's lazy_body in concept checks.
struct lazy_body_archetype {
    const api_error* parse();
    bool parsed() const noexcept;
};
} // namespace detail

/// True when `A` is an authenticator usable with app context `Ctx`: it has
/// `authenticate(request&, Ctx&)`, or `authenticate(request&, Ctx&, Body&)` when it
/// needs the request body parsed during authentication (see `lazy_body`).
template <class A, class Ctx>
concept authenticator_for = is_policy_of<A, authenticator_tag> &&
    (requires(const A& a, request& req, Ctx& ctx) { { a.authenticate(req, ctx) } -> std::same_as<auth_result>; } ||
     requires(const A& a, request& req, Ctx& ctx, detail::lazy_body_archetype& body) {
         { a.authenticate(req, ctx, body) } -> std::same_as<auth_result>;
     });

namespace detail {

template <class A>
concept static_challenge = requires { { A::challenge } -> std::convertible_to<std::string_view>; };
template <class A, class Ctx>
concept dynamic_challenge = requires(const A& a, const Ctx& c) { { a.challenge(c) } -> std::convertible_to<std::string>; };

template <class A>
constexpr std::string_view scheme_of() {
    if constexpr (requires { { A::scheme } -> std::convertible_to<std::string_view>; }) return A::scheme;
    else return "custom";
}

} // namespace detail

// --- Permissions ---------------------------------------------------------------------

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
// A denial by leaf permission P, with its message and code.
template <class P>
constexpr permission_result denial_of() {
    return permission_result::deny(permission_message<P>(), permission_code<P>());
}

} // namespace detail

/// Evaluates permission `p` at view level, whichever form it implements.
template <class P, class Request, class View, class Ctx>
constexpr permission_result check_permission(const P& p, const Request& req, const View& view, Ctx& ctx) {
    if constexpr (requires { { p.evaluate(req, view, ctx) } -> std::convertible_to<permission_result>; }) {
        return p.evaluate(req, view, ctx);
    } else if constexpr (requires { { p.has_permission(req, view, ctx) } -> std::convertible_to<bool>; }) {
        if (p.has_permission(req, view, ctx)) return permission_result::allow();
        return detail::denial_of<P>();
    } else if constexpr (requires { { p.has_permission(req, view) } -> std::convertible_to<bool>; }) {
        if (p.has_permission(req, view)) return permission_result::allow();
        return detail::denial_of<P>();
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

// Object level: DRF's `has_object_permission`.

namespace detail {

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
        return detail::denial_of<P>();
    } else if constexpr (detail::object_check<P, Request, View, Object>) {
        if (p.has_object_permission(req, view, obj)) return permission_result::allow();
        return detail::denial_of<P>();
    } else {
        static_assert(!detail::named_object_check<P>,
                      "warden: this permission's has_object_permission cannot be called for this object; declare it "
                      "as `bool has_object_permission(const Request&, const View&, const Object&) const` (optionally "
                      "with a fourth Ctx& parameter), or make it a template over the object type");
        return permission_result::allow();
    }
}

// --- Throttles -----------------------------------------------------------------------

/// A throttle's decision; `wait` in seconds, negative when unknown.
struct throttle_result {
    bool allowed = true;
    double wait = -1;
    /// The throttle could not count the request (its counter store failed): refused,
    /// and answered 503 with Retry-After rather than 429 (a throttle fails closed).
    bool unavailable = false;

    static constexpr throttle_result allow() noexcept { return {}; }
    static constexpr throttle_result deny(double wait_seconds = -1) noexcept { return {false, wait_seconds, false}; }
    static constexpr throttle_result store_failed() noexcept { return {false, -1, true}; }
};

/// True when `T` is a throttle usable with `Request`, `View` and `Ctx`.
template <class T, class Request, class View, class Ctx>
concept throttle_for = is_policy_of<T, throttle_tag> && requires(const T& t, Request& r, const View& v, Ctx& c) {
    { t.allow_request(r, v, c) } -> std::same_as<throttle_result>;
};

} // namespace warden

#endif
