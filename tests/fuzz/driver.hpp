// One libFuzzer binary runs one of several harnesses, chosen by the environment
// variable WARDEN_FUZZ_TARGET (scripts/fuzz sets it): a binary per group of harnesses
// keeps the build to two translation units.
#ifndef WARDEN_FUZZ_DRIVER_HPP
#define WARDEN_FUZZ_DRIVER_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace fuzz {

using harness_fn = void (*)(std::string_view input);

struct harness {
    std::string_view name;
    harness_fn run;
};

// Stops the run with a report when a property the code promises does not hold.
[[noreturn]] inline void violated(const char* what) {
    std::fprintf(stderr, "warden fuzz: property violated: %s\n", what);
    std::abort();
}
#define WARDEN_FUZZ_ASSERT(cond) ((cond) ? (void)0 : ::fuzz::violated(#cond))

template <std::size_t N>
harness_fn select(const harness (&all)[N]) {
    const char* want = std::getenv("WARDEN_FUZZ_TARGET");
    for (const auto& h : all)
        if (want != nullptr && h.name == want) return h.run;
    std::fprintf(stderr, "warden fuzz: set WARDEN_FUZZ_TARGET to one of:");
    for (const auto& h : all) std::fprintf(stderr, " %.*s", static_cast<int>(h.name.size()), h.name.data());
    std::fprintf(stderr, "\n");
    std::exit(2);
}

} // namespace fuzz

// Defines libFuzzer's entry points over the table `harnesses`.
#define WARDEN_FUZZ_MAIN(harnesses)                                                                    \
    namespace {                                                                                        \
    ::fuzz::harness_fn chosen = nullptr;                                                               \
    }                                                                                                  \
    extern "C" int LLVMFuzzerInitialize(int*, char***) {                                               \
        chosen = ::fuzz::select(harnesses);                                                            \
        return 0;                                                                                      \
    }                                                                                                  \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {                \
        chosen(std::string_view(reinterpret_cast<const char*>(data), size));                           \
        return 0;                                                                                      \
    }

#endif
