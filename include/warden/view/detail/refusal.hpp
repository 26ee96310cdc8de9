// A stage's refusal: the error a request is answered with, or null when it passes.
// Built on the failure path only (a std::optional<api_error> would be cleared on every
// request that passes), and destroyed out of line: each view's pipeline holds a few of
// these, and an inline ~api_error (two strings) in each would be compiled once per view.
#ifndef WARDEN_VIEW_DETAIL_REFUSAL_HPP
#define WARDEN_VIEW_DETAIL_REFUSAL_HPP

#include <warden/core/api_error.hpp>

#include <memory>
#include <utility>

namespace warden::detail {

[[gnu::cold, gnu::noinline]] inline void delete_refusal(api_error* e) noexcept { delete e; }

struct refusal_deleter {
    void operator()(api_error* e) const noexcept { delete_refusal(e); }
};

using refusal = std::unique_ptr<api_error, refusal_deleter>;

[[gnu::cold, gnu::noinline]] inline refusal refuse(api_error e) { return refusal(new api_error(std::move(e))); }

} // namespace warden::detail

#endif
