// Heap allocations counted by the benchmark binaries: alloc_counter.cpp replaces the
// global operator new/delete with counting versions over malloc/free, and can route
// OpenSSL's own allocations (CRYPTO_malloc, which bypasses operator new) through a
// second counter.
#ifndef WARDEN_BENCHMARKS_ALLOC_COUNTER_HPP
#define WARDEN_BENCHMARKS_ALLOC_COUNTER_HPP

#include <benchmark/benchmark.h>

#include <cstddef>

namespace bench {

/// operator new calls (all forms) since the program started.
std::size_t allocations() noexcept;

/// OpenSSL allocations (CRYPTO_malloc/realloc) since count_openssl_allocations().
std::size_t openssl_allocations() noexcept;

/// Routes OpenSSL's allocations through the counter; call first thing in main(),
/// before OpenSSL allocates anything. False when OpenSSL refused (it already had).
bool count_openssl_allocations() noexcept;

/// Measures the allocations of a benchmark loop and reports them per iteration as the
/// counters `allocs` (operator new) and `ossl_allocs` (OpenSSL's malloc).
class alloc_meter {
public:
    alloc_meter() noexcept : heap_(allocations()), ossl_(openssl_allocations()) {}
    void report(benchmark::State& state) const {
        double n = static_cast<double>(state.iterations());
        if (n <= 0) return;
        state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations() - heap_) / n);
        state.counters["ossl_allocs"] = benchmark::Counter(static_cast<double>(openssl_allocations() - ossl_) / n);
    }

private:
    std::size_t heap_, ossl_;
};

} // namespace bench

#endif
