/// @file
/// The authenticator concept and `auth_result`.
///
/// Requirements of an authenticator `A` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::authenticator_tag;`
/// - `template <class Ctx> auth_result authenticate(request& req, Ctx& ctx) const;`
///   returns `auth_result::none()` when the request carries no credentials for this
///   scheme (the next authenticator is tried), `auth_result::success(user, info)`, or
///   `auth_result::failure(error)`, which stops the chain (DRF's AuthenticationFailed).
///   An authenticator that must read the body (a CSRF form field) takes a third
///   parameter, `template <class Ctx, class Body> auth_result authenticate(request&, Ctx&, Body& body) const`,
///   and calls `body.parse()` (see `lazy_body` in view/dispatch.hpp).
/// - optional `static constexpr std::string_view challenge = "Token";` — the
///   `WWW-Authenticate` value; a view whose first authenticator has one answers 401,
///   otherwise 403. Or `std::string challenge(const Ctx&) const` when it depends on
///   settings.
/// - optional `static constexpr std::string_view scheme = "token";` (for `auth().scheme`).
/// - optional `static constexpr bool may_block = true;` when it does CPU-heavy work
///   (password hashing), and `using requires_services = warden::services<tags...>;`
///   naming the app services it uses (stores, keys). The server runs a route whose
///   policies may block, or use a blocking store, off the I/O threads.
#ifndef WARDEN_CORE_CONCEPTS_HPP
#define WARDEN_CORE_CONCEPTS_HPP

#include <warden/core/identity.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/request.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/view/policy.hpp>

#include <concepts>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace warden {

/// The outcome of one authenticator: no credentials for it, success, or failure.
class auth_result {
public:
    enum class state : unsigned char { none, success, failure };

    /// The request has no credentials for this scheme (DRF: `return None`).
    static auth_result none() noexcept { return auth_result{}; }
    /// Authenticated as `u`.
    static auth_result success(std::shared_ptr<const user> u, auth_info info = {}) {
        auth_result r;
        r.state_ = state::success;
        r.user_ = std::move(u);
        r.info_ = std::move(info);
        return r;
    }
    /// Credentials were given but are wrong (DRF: `raise AuthenticationFailed`), or the
    /// request must be refused outright (e.g. a CSRF failure, `errors::permission_denied`).
    static auth_result failure(api_error e) {
        auth_result r;
        r.state_ = state::failure;
        r.error_ = std::move(e);
        return r;
    }

    state status() const noexcept { return state_; }
    bool succeeded() const noexcept { return state_ == state::success; }
    bool failed() const noexcept { return state_ == state::failure; }

    std::shared_ptr<const user>& user_ptr() noexcept { return user_; }
    auth_info& info() noexcept { return info_; }
    api_error& error() noexcept { return error_; }

private:
    state state_ = state::none;
    std::shared_ptr<const user> user_;
    auth_info info_;
    api_error error_;
};

namespace detail {
// Stands for the pipeline's lazy_body in concept checks.
struct lazy_body_archetype {
    const std::optional<api_error>& parse();
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

} // namespace warden

#endif
