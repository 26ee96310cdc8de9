// The dispatch cases, each an object whose `once()` handles the fixture's request and
// serializes the response. Google Benchmark times `once()`; the callgrind mode of
// bench_dispatch runs it a fixed number of times to count instructions.
#ifndef WARDEN_BENCHMARKS_DISPATCH_CASES_HPP
#define WARDEN_BENCHMARKS_DISPATCH_CASES_HPP

#include "alloc_counter.hpp"
#include "dispatch_common.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace bench {

dispatch_fixture& fixture();

/// A named case: `run(n)` handles the request n times (for instruction counts).
struct case_entry {
    std::string name;
    std::function<void(std::size_t)> run;
};

/// Every case of the binary, in registration order.
std::vector<case_entry>& case_registry();

/// Registers `Case` under `name` for the callgrind mode.
template <class Case>
bool register_case(std::string name) {
    case_registry().push_back({std::move(name), [](std::size_t n) {
        Case c;
        for (std::size_t i = 0; i < n; ++i) c.once();
    }});
    return true;
}

/// Times `Case::once()`, reporting allocations per request; checks the answer first.
template <class Case>
void time_case(benchmark::State& state) {
    Case c;
    c.once();
    if (!is_expected(c.out)) {
        state.SkipWithError("unexpected response");
        return;
    }
    alloc_meter meter;
    for (auto _ : state) {
        c.once();
        benchmark::DoNotOptimize(c.out.data());
    }
    meter.report(state);
}

} // namespace bench

#endif
