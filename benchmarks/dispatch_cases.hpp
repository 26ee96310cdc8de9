// The dispatch cases, each an object whose `once()` handles the fixture's request and
// serializes the response. Google Benchmark times `once()`; the callgrind mode of
// bench_dispatch runs it a fixed number of times to count instructions.
#ifndef WARDEN_BENCHMARKS_DISPATCH_CASES_HPP
#define WARDEN_BENCHMARKS_DISPATCH_CASES_HPP

#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "dispatch_common.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace bench {

dispatch_fixture& fixture();

/// What every case holds: the fixture, the per-connection arena and the output; `run`
/// handles one request with `handle(arena)` and serializes the response, as the server
/// does, then resets the arena.
struct case_state {
    dispatch_fixture& f = fixture();
    warden::detail::arena arena{4096};
    std::string out;

    template <class Handle>
    void run(Handle&& handle) {
        {
            warden::http_response res = handle(&arena);
            serialize(res, out);
        }
        arena.reset();
    }
};

/// Registers `Case` under `name` for the callgrind mode: n requests on one `Case`.
template <class Case>
bool register_case(std::string name) {
    return add_callgrind_case(std::move(name), [](std::size_t n) {
        Case c;
        for (std::size_t i = 0; i < n; ++i) c.once();
    });
}

/// The body `Case` must answer: `Case::body` when it names one, else the profile's.
template <class Case>
constexpr std::string_view expected_body() {
    if constexpr (requires { Case::body; }) return Case::body;
    else return profile_body_text;
}

/// Times `Case::once()`, reporting allocations per request; checks the answer first.
template <class Case>
void time_case(benchmark::State& state) {
    Case c;
    c.once();
    if (!is_expected(c.out, expected_body<Case>())) {
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
