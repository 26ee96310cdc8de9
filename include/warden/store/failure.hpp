/// @file
/// What the request path answers for a store failure: 503 with Retry-After
/// (`errors::service_unavailable()`), never a 500 and never an empty answer read as
/// "no such user" or "not blacklisted".
///
/// Authenticators and throttles return the 503 as their result; views and helpers
/// that report a `std::error_code` hand it to `raise_store_failure`.
#ifndef WARDEN_STORE_FAILURE_HPP
#define WARDEN_STORE_FAILURE_HPP

#include <warden/core/api_error.hpp>
#include <warden/store/error.hpp>

#include <system_error>

namespace warden {

/// True when `ec` means a store cannot serve now (`store_condition::unavailable`).
inline bool is_store_failure(const std::error_code& ec) noexcept { return ec == store_condition::unavailable; }

/// Throws what a request gets for `ec` from a handler (the pipeline renders it): the
/// 503 `errors::service_unavailable()` when a store cannot serve, else a
/// `std::system_error` (a bug or a CSPRNG failure, answered 500).
///
/// @code
/// if (auto ec = warden::session::login(req, ctx, u)) warden::raise_store_failure(ec);
/// @endcode
[[noreturn]] inline void raise_store_failure(const std::error_code& ec) {
    if (is_store_failure(ec)) throw errors::service_unavailable();
    throw std::system_error(ec);
}

} // namespace warden

#endif
