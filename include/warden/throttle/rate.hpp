/// @file
/// `throttle_rate`: DRF's throttle rate ("N/s", "N/m", "N/h", "N/d"), its parser, and
/// DRF's `SimpleRateThrottle.wait()` arithmetic.
#ifndef WARDEN_THROTTLE_RATE_HPP
#define WARDEN_THROTTLE_RATE_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace warden {

/// A number of requests per period (DRF's `num_requests` and `duration`).
struct throttle_rate {
    /// The most requests allowed in any window of `duration` seconds.
    std::size_t num_requests = 0;
    /// The window in seconds: 1, 60, 3600 or 86400.
    std::int64_t duration = 0;

    /// The most requests a rate may allow: more is surely a typo, and each counted
    /// request costs memory in the counter store.
    static constexpr std::size_t max_requests = 1'000'000'000;

    /// DRF's `wait()`: seconds until a request may succeed after a refusal, or a
    /// negative number when DRF returns None (more requests in the window than the rate
    /// allows, after the rate was lowered).
    ///
    /// @param count requests in the window (DRF's `len(history)` after old ones dropped)
    /// @param oldest time of the oldest of them, seconds since the epoch (ignored when `count` is 0)
    /// @param now the time of the refused request
    ///
    /// @code
    /// warden::throttle_rate r{3, 60};
    /// double w = r.wait(3, 1000.0, 1010.0);   // (60 - 10) / 1 = 50
    /// @endcode
    constexpr double wait(std::size_t count, double oldest, double now) const noexcept {
        // Same operations in the same order as DRF, so the rounded-up seconds agree.
        double remaining = count > 0 ? static_cast<double>(duration) - (now - oldest) : static_cast<double>(duration);
        auto available = static_cast<std::int64_t>(num_requests) - static_cast<std::int64_t>(count) + 1;
        if (available <= 0) return -1;
        return remaining / static_cast<double>(available);
    }

    friend constexpr bool operator==(const throttle_rate&, const throttle_rate&) = default;
};

/// Parses DRF's rate syntax: a whole number, `/`, and a period whose first letter
/// decides (`s`, `m`, `h`, `d`), so "5/minute", "1000/day" and "10/sec" work as in DRF.
/// Stricter than DRF: the number is plain digits (no sign, spaces or `_`), at most
/// `throttle_rate::max_requests`, and the period is lower-case letters only.
///
/// @param text the rate, e.g. "3/minute"
/// @return the rate, or empty when `text` is malformed
///
/// @code
/// static_assert(warden::parse_throttle_rate("5/minute") == warden::throttle_rate{5, 60});
/// static_assert(!warden::parse_throttle_rate("5/fortnight"));
/// @endcode
constexpr std::optional<throttle_rate> parse_throttle_rate(std::string_view text) noexcept {
    auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    std::size_t num = 0;
    for (char c : text.substr(0, slash)) {
        if (c < '0' || c > '9') return std::nullopt;
        num = num * 10 + static_cast<std::size_t>(c - '0');
        if (num > throttle_rate::max_requests) return std::nullopt;
    }
    std::string_view period = text.substr(slash + 1);
    if (period.empty()) return std::nullopt;
    for (char c : period)
        if (c < 'a' || c > 'z') return std::nullopt;
    std::int64_t duration = 0;
    switch (period.front()) {
    case 's': duration = 1; break;
    case 'm': duration = 60; break;
    case 'h': duration = 3600; break;
    case 'd': duration = 86400; break;
    default: return std::nullopt;
    }
    return throttle_rate{num, duration};
}

} // namespace warden

#endif
