/// @file
/// `clock`: the app's source of time. Tests freeze and advance it.
#ifndef WARDEN_CORE_CLOCK_HPP
#define WARDEN_CORE_CLOCK_HPP

#include <atomic>
#include <chrono>
#include <cstdint>

namespace warden {

/// Wall-clock time for expiry, throttling and cookies; can be frozen for tests.
///
/// Thread-safe: one clock is shared by every connection of an app.
/// @code
/// site.clock().freeze(std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}});
/// site.clock().advance(std::chrono::minutes{5});
/// @endcode
class clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    using duration = std::chrono::system_clock::duration;

    clock() = default;
    clock(const clock& o) noexcept : frozen_(o.frozen_.load(std::memory_order_relaxed)) {}

    /// The current time: real time, or the frozen time.
    time_point now() const noexcept {
        auto f = frozen_.load(std::memory_order_relaxed);
        if (f == real) return std::chrono::system_clock::now();
        return time_point{duration{f}};
    }
    /// Seconds since the Unix epoch.
    std::int64_t now_seconds() const noexcept {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }

    /// Stops time at `t`.
    void freeze(time_point t) noexcept { frozen_.store(t.time_since_epoch().count(), std::memory_order_relaxed); }
    /// Stops time now (if running) and moves it forward by `d`.
    void advance(duration d) noexcept {
        auto f = frozen_.load(std::memory_order_relaxed);
        if (f == real) f = std::chrono::system_clock::now().time_since_epoch().count();
        frozen_.store(f + d.count(), std::memory_order_relaxed);
    }
    /// Lets time run again.
    void unfreeze() noexcept { frozen_.store(real, std::memory_order_relaxed); }
    bool frozen() const noexcept { return frozen_.load(std::memory_order_relaxed) != real; }

private:
    static constexpr duration::rep real = INT64_MIN;
    std::atomic<duration::rep> frozen_{real};
};

} // namespace warden

#endif
