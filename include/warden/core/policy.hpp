/// @file
/// Policy tags: a policy opts in with one (`using policy_kind = warden::authenticator_tag;`)
/// and is found by it. Also how the app builds a policy instance from its context.
///
/// A view names its policies in lists (`authentication<...>`, `permissions<...>`, ...:
/// warden/view/policy.hpp); the concepts a policy of each kind satisfies are in
/// warden/core/concepts.hpp.
#ifndef WARDEN_CORE_POLICY_HPP
#define WARDEN_CORE_POLICY_HPP

#include <concepts>
#include <type_traits>

namespace warden {

/// Tag of authenticators (DRF's authentication classes).
struct authenticator_tag {};
/// Tag of permissions (DRF's permission classes).
struct permission_tag {};
/// Tag of throttles (DRF's throttle classes).
struct throttle_tag {};
/// Tag of request body parsers (DRF's parser classes).
struct parser_tag {};

/// The tag a policy declares, or void.
template <class P, class = void>
struct policy_kind_of { using type = void; };
template <class P>
struct policy_kind_of<P, std::void_t<typename P::policy_kind>> { using type = typename P::policy_kind; };
template <class P>
using policy_kind_of_t = typename policy_kind_of<P>::type;

/// True when `P` declares `using policy_kind = Tag;`.
template <class P, class Tag>
inline constexpr bool is_policy_of = std::is_same_v<policy_kind_of_t<P>, Tag>;

namespace detail {

template <class P>
inline constexpr bool is_any_policy = !std::is_void_v<policy_kind_of_t<P>>;

// The app context (warden::context<...>): the only argument a policy constructor reads
// settings and services from.
template <class C>
concept app_context = requires { typename C::defaults_type; };

// Whether P declares `static constexpr bool may_block = true;` (CPU-heavy work).
template <class P>
constexpr bool declares_may_block() {
    if constexpr (requires { { P::may_block } -> std::convertible_to<bool>; }) return P::may_block;
    else return false;
}

// Whether P declares `static constexpr bool store_reads_only = true;`: its calls on the
// services it requires only read, and any write it makes is one it can do without (a
// failed write changes nothing it answers: the delete of an expired token). The server
// may then run its route on the I/O thread when the store has a connection idle.
template <class P>
constexpr bool declares_store_reads_only() {
    if constexpr (requires { { P::store_reads_only } -> std::convertible_to<bool>; }) return P::store_reads_only;
    else return false;
}

// A policy instance as the app builds it: from the context when the policy has a
// constructor taking it, otherwise default-constructed. The app's registry builds
// every shared instance with it; a combinator builds its operands with it.
template <class P, class Ctx>
P make_policy(const Ctx& ctx) {
    if constexpr (std::is_constructible_v<P, const Ctx&>) return P(ctx);
    else return P{};
}

} // namespace detail

} // namespace warden

#endif
