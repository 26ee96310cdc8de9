// The request bytes all connections of one server may hold at once. Each connection
// may buffer a body up to `body_limit`, so without a shared ceiling a few hundred slow
// clients declaring large bodies hold hundreds of megabytes before any of them is
// authenticated. A connection takes what it is about to hold (a declared
// Content-Length at once, a chunked body as it grows) and gives it back when the
// exchange ends; a request that does not fit is answered 503 and its connection closed.
#ifndef WARDEN_SERVER_DETAIL_BYTE_BUDGET_HPP
#define WARDEN_SERVER_DETAIL_BYTE_BUDGET_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace warden::detail {

class byte_budget {
public:
    explicit byte_budget(std::uint64_t limit) noexcept : limit_(limit) {}
    byte_budget(const byte_budget&) = delete;
    byte_budget& operator=(const byte_budget&) = delete;

    // Takes `n` bytes; false (and nothing taken) when that would pass the limit.
    bool take(std::uint64_t n) noexcept {
        std::uint64_t used = used_.load(std::memory_order_relaxed);
        do {
            if (n > limit_ || used > limit_ - n) return false;
        } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
        return true;
    }

    void give(std::uint64_t n) noexcept { used_.fetch_sub(n, std::memory_order_relaxed); }

    std::uint64_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
    std::uint64_t limit() const noexcept { return limit_; }

private:
    std::atomic<std::uint64_t> used_{0};
    const std::uint64_t limit_;
};

} // namespace warden::detail

#endif
