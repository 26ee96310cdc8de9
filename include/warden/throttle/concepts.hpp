/// @file
/// The throttle concept.
///
/// Requirements of a throttle `T` (a model: tests/unit/view/exemplars.cpp):
/// - `using policy_kind = warden::throttle_tag;`
/// - `template <class View, class Ctx> throttle_result allow_request(request&, const View&, Ctx&) const;`
///   which records the request when allowed, and otherwise says how long to wait.
/// A throttle may take `const Ctx&` in its constructor to read settings once at start
/// (the app builds one instance per throttle type and shares it between threads, so
/// `allow_request` must be thread-safe).
#ifndef WARDEN_THROTTLE_CONCEPTS_HPP
#define WARDEN_THROTTLE_CONCEPTS_HPP

#include <warden/view/policy.hpp>

#include <concepts>

namespace warden {

/// A throttle's decision; `wait` in seconds, negative when unknown.
struct throttle_result {
    bool allowed = true;
    double wait = -1;

    static constexpr throttle_result allow() noexcept { return {}; }
    static constexpr throttle_result deny(double wait_seconds = -1) noexcept { return {false, wait_seconds}; }
};

/// True when `T` is a throttle usable with `Request`, `View` and `Ctx`.
template <class T, class Request, class View, class Ctx>
concept throttle_for = is_policy_of<T, throttle_tag> && requires(const T& t, Request& r, const View& v, Ctx& c) {
    { t.allow_request(r, v, c) } -> std::same_as<throttle_result>;
};

} // namespace warden

#endif
