// DRF's SimpleRateThrottle history step, shared by every backend so they agree to the
// last comparison.
#ifndef WARDEN_STORE_DETAIL_THROTTLE_WINDOW_HPP
#define WARDEN_STORE_DETAIL_THROTTLE_WINDOW_HPP

#include <warden/store/records.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace warden::detail {

// Inputs a clock cannot produce (NaN, infinities, a negative window) deny the hit
// without recording it: a throttle that fails must fail closed.
inline bool throttle_inputs_valid(double now, double window) noexcept {
    return std::isfinite(now) && std::isfinite(window) && window >= 0;
}

// `hits` is sorted ascending. DRF pops while `history[-1] <= now - duration`, so a hit
// exactly `window` old is already gone; then it refuses when `len(history) >=
// num_requests`. The new hit is placed in order even when threads reach the store
// with slightly out-of-order clocks.
inline throttle_state apply_throttle_hit(std::vector<double>& hits, double now, double window, std::size_t limit) {
    if (!throttle_inputs_valid(now, window)) return {false, hits.size(), hits.empty() ? 0.0 : hits.front()};
    const double cutoff = now - window;
    hits.erase(hits.begin(), std::upper_bound(hits.begin(), hits.end(), cutoff));
    if (hits.size() >= limit) return {false, hits.size(), hits.empty() ? 0.0 : hits.front()};
    hits.push_back(now);
    // Usually already in place; a thread whose clock read is slightly behind another's
    // moves back a step or two.
    for (std::size_t i = hits.size() - 1; i > 0 && hits[i - 1] > hits[i]; --i) std::swap(hits[i - 1], hits[i]);
    return {true, hits.size(), hits.front()};
}

} // namespace warden::detail

#endif
