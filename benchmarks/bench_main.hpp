// The main() of the Google Benchmark binaries: runs the benchmarks, then prints each
// case's ratio to its baseline measured in the same run (the medians when repetitions
// are asked for), on CPU time (steadier on a shared machine) and wall time. Exits 1
// when a case failed (SkipWithError: a wrong response, a token that did not verify).
// Also the callgrind mode: `binary --callgrind N` runs each registered case N times
// between callgrind dumps named after it.
#ifndef WARDEN_BENCHMARKS_BENCH_MAIN_HPP
#define WARDEN_BENCHMARKS_BENCH_MAIN_HPP

#include <benchmark/benchmark.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(name) ((void)(name))
#endif

#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bench {

/// A case of the callgrind mode: `run(n)` does the measured work n times.
struct callgrind_case {
    std::string name;
    void (*run)(std::size_t);
};

/// Every callgrind case of the binary, in registration order.
inline std::vector<callgrind_case>& callgrind_cases() {
    static std::vector<callgrind_case> cases;
    return cases;
}

/// Registers a case (at static initialisation: `const bool registered = add_callgrind_case(...)`).
inline bool add_callgrind_case(std::string name, void (*run)(std::size_t)) {
    callgrind_cases().push_back({std::move(name), run});
    return true;
}

/// Runs every case `n` times, zeroing callgrind's counters before and dumping them after
/// each, so `callgrind.out.*` holds one part per case named after it. Each case first
/// runs 16 times to warm caches, arenas and OpenSSL's lazily fetched objects.
inline int callgrind_mode(std::size_t n) {
    for (auto& c : callgrind_cases()) {
        c.run(16);
        CALLGRIND_ZERO_STATS;
        c.run(n);
        CALLGRIND_DUMP_STATS_AT(c.name.c_str());
        std::printf("%s: ran %zu times\n", c.name.c_str(), n);
    }
    return 0;
}

/// One line of the ratio table: `name` against `baseline`, with the target as text.
struct ratio_line {
    std::string name;
    std::string baseline;
    std::string target;   // e.g. "<= 1.10"; empty for information only
    double limit = 0;     // the ratio must be <= limit (0: no target)
};

class ratio_reporter : public benchmark::ConsoleReporter {
public:
    struct times {
        double cpu = 0, real = 0;
        bool median = false;
    };

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            if (r.error_occurred) {
                ++errors_;
                continue;
            }
            bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type == Run::RT_Aggregate && !median) continue;
            auto& t = times_[r.run_name.str()];
            if (t.median && !median) continue;
            t = {r.GetAdjustedCPUTime(), r.GetAdjustedRealTime(), median};
        }
        ConsoleReporter::ReportRuns(runs);
    }

    const times* find(const std::string& name) const {
        auto it = times_.find(name);
        return it == times_.end() ? nullptr : &it->second;
    }

    /// Runs that failed (a case that did not produce the expected result).
    int errors() const noexcept { return errors_; }

private:
    std::map<std::string, times> times_;
    int errors_ = 0;
};

inline int run_with_ratios(int argc, char** argv, const std::vector<ratio_line>& lines) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    bool header = false;
    for (const auto& l : lines) {
        const auto* a = reporter.find(l.name);
        const auto* b = reporter.find(l.baseline);
        if (!a || !b || b->cpu <= 0 || b->real <= 0) continue;
        if (!header) {
            std::printf("\n%-34s %-26s %8s %8s  %s\n", "case", "baseline", "cpu", "wall", "target");
            header = true;
        }
        double cpu = a->cpu / b->cpu, wall = a->real / b->real;
        std::string verdict;
        if (l.limit > 0) verdict = l.target + (cpu <= l.limit ? "  met" : "  MISSED");
        std::printf("%-34s %-26s %8.3f %8.3f  %s\n", l.name.c_str(), l.baseline.c_str(), cpu, wall, verdict.c_str());
    }
    benchmark::Shutdown();
    if (reporter.errors() > 0) {
        std::fprintf(stderr, "%d benchmark run(s) failed\n", reporter.errors());
        return 1;
    }
    return 0;
}

} // namespace bench

#endif
