// dispatch_routes/N: the framework with N routes (N - 1 generated static routes
// "/api/r<i>/" and /api/profile/ last), the request hitting the last one. The route
// lists are generated at compile time from an index_sequence; the filler routes share
// one view type so the TU compiles in reasonable time (each route still gets its own
// route type, router slot and dispatch function).
#include "alloc_counter.hpp"
#include "dispatch_cases.hpp"

#include <cstddef>
#include <utility>

namespace bench {
namespace {

struct filler_api : warden::api_view<warden::authentication<warden::token_auth>, warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request&) { return warden::json({{"filler", true}}); }
};

constexpr std::size_t digits(std::size_t i) { return i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : 4; }

// "/api/r<I>/" as a fixed_string.
template <std::size_t I>
constexpr auto filler_pattern() {
    constexpr std::size_t d = digits(I);
    char text[6 + d + 2]{'/', 'a', 'p', 'i', '/', 'r'};
    std::size_t v = I;
    for (std::size_t k = 0; k < d; ++k) {
        text[6 + d - 1 - k] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    text[6 + d] = '/';
    text[6 + d + 1] = '\0';
    return warden::fixed_string<6 + d + 2>(text);
}

static_assert(filler_pattern<0>().view() == "/api/r0/");
static_assert(filler_pattern<123>().view() == "/api/r123/");

template <std::size_t I>
using filler_route = warden::route<filler_pattern<I>(), filler_api>;

template <std::size_t... Is>
auto make_site(warden::memory_store& store, std::index_sequence<Is...>) {
    return warden::app<filler_route<Is>..., warden::route<"/api/profile/", profile_api>>(store, bench_settings());
}

template <std::size_t N>
struct routes_case : case_state {
    using site_type = decltype(make_site(std::declval<warden::memory_store&>(), std::make_index_sequence<N - 1>{}));
    static_assert(site_type::router_type::size == N);

    site_type site = make_site(f.store, std::make_index_sequence<N - 1>{});

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.msg, {"127.0.0.1", false}, a); });
    }
};

void dispatch_routes(benchmark::State& s) {
    switch (s.range(0)) {
    case 1: return time_case<routes_case<1>>(s);
    case 10: return time_case<routes_case<10>>(s);
    case 100: return time_case<routes_case<100>>(s);
    case 1000: return time_case<routes_case<1000>>(s);
    default: s.SkipWithError("no such route count");
    }
}
BENCHMARK(dispatch_routes)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

const bool registered = register_case<routes_case<1>>("dispatch_routes/1") &&
                        register_case<routes_case<10>>("dispatch_routes/10") &&
                        register_case<routes_case<100>>("dispatch_routes/100") &&
                        register_case<routes_case<1000>>("dispatch_routes/1000");

} // namespace
} // namespace bench
