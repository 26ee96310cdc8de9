/// @file
/// The router: a table generated at compile time from the app's routes.
///
/// Static patterns live in a constexpr open-addressing hash table (one hash of the
/// path, one probe on average), so lookup cost does not grow with the route count.
/// Patterns with converters are tried in declaration order, skipping those whose
/// literal prefix does not match. Django's rule holds: the first route in declaration
/// order that matches wins.
#ifndef WARDEN_APP_ROUTER_HPP
#define WARDEN_APP_ROUTER_HPP

#include <warden/app/route.hpp>
#include <warden/core/request.hpp>
#include <warden/core/work_kind.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace warden {

/// The result of routing a path.
struct route_match {
    // The parameter slots are left uninitialised (no 256-byte clearing per request):
    // only the first `param_count` are written and read.
    route_match() noexcept {}
    /// Index of the route in the app's list, or -1 when nothing matched.
    int index = -1;
    /// The captured parameters; the first `param_count` are set.
    union { std::array<path_param, max_path_params> params; };
    std::size_t param_count = 0;
    explicit operator bool() const noexcept { return index >= 0; }
};

/// A request's route, found once from its target before the request is handled
/// (`App::plan(msg)`), and handed back to `handle()`, which does not route it again.
/// The server reads `work` to choose the thread that handles it.
struct route_plan {
    /// False when the target's path has percent-escapes: `handle()` decodes and routes
    /// it then (the decoding allocates, so it is done where the request is handled).
    bool routed = false;
    /// The route, when `routed`. Its parameters view the message's target.
    route_match match;
    /// The message's target split at '?' (views of the target).
    detail::split_target target;
    /// Where the server runs the request: on the I/O thread, the blocking pool (the
    /// route uses a blocking store) or the hashing pool (its policies hash passwords).
    work_kind work = work_kind::inline_;
};

namespace detail {

template <class... Routes>
struct router {
    static constexpr std::size_t size = sizeof...(Routes);
    static constexpr std::array<std::string_view, size> patterns{Routes::pattern...};
    static constexpr std::array<bool, size> is_static{Routes::is_static...};
    static constexpr std::size_t static_count = (std::size_t{0} + ... + (Routes::is_static ? 1 : 0));
    static constexpr std::size_t param_count = size - static_count;
    static constexpr std::size_t table_size = std::bit_ceil(static_count * 2 + 1);

    struct slot {
        std::uint64_t hash = 0;
        std::uint32_t index_plus_one = 0;   // 0: empty
    };

    struct table_result {
        std::array<slot, table_size> slots{};
        bool duplicate = false;
    };

    static constexpr table_result build_table() {
        table_result t;
        for (std::size_t i = 0; i < size; ++i) {
            if (!is_static[i]) continue;
            auto h = path_hash(patterns[i]);
            for (std::size_t k = h & (table_size - 1);; k = (k + 1) & (table_size - 1)) {
                auto& s = t.slots[k];
                if (s.index_plus_one == 0) {
                    s = {h, static_cast<std::uint32_t>(i + 1)};
                    break;
                }
                if (s.hash == h && patterns[s.index_plus_one - 1] == patterns[i]) {
                    t.duplicate = true;
                    break;
                }
            }
        }
        return t;
    }
    static constexpr table_result table = build_table();

    static constexpr std::array<std::uint32_t, param_count> param_routes = [] {
        std::array<std::uint32_t, param_count> out{};
        std::size_t n = 0;
        for (std::size_t i = 0; i < size; ++i)
            if (!is_static[i]) out[n++] = static_cast<std::uint32_t>(i);
        return out;
    }();

    static constexpr bool param_duplicate = [] {
        constexpr std::array<const parsed_pattern*, size> parsed{&Routes::parsed...};
        for (std::size_t a = 0; a < param_count; ++a)
            for (std::size_t b = a + 1; b < param_count; ++b) {
                auto i = param_routes[a], j = param_routes[b];
                if (same_shape(patterns[i], *parsed[i], patterns[j], *parsed[j])) return true;
            }
        return false;
    }();

    static_assert(!table.duplicate,
                  "warden::app: two routes have the same pattern; each pattern may appear once (remove or rename one)");
    static_assert(!param_duplicate,
                  "warden::app: two routes have patterns that match the same paths (they differ only in converter "
                  "names); the second can never match: remove it or change its literals or converters");

    using matcher = std::size_t (*)(std::string_view, path_param*) noexcept;
    static constexpr std::array<matcher, size> matchers{&Routes::match...};

    static int lookup_static(std::string_view path) noexcept {
        if constexpr (static_count == 0) {
            return -1;
        } else {
            auto h = path_hash(path);
            for (std::size_t k = h & (table_size - 1);; k = (k + 1) & (table_size - 1)) {
                const auto& s = table.slots[k];
                if (s.index_plus_one == 0) return -1;
                if (s.hash == h && patterns[s.index_plus_one - 1] == path) return static_cast<int>(s.index_plus_one - 1);
            }
        }
    }

    static route_match match(std::string_view path) noexcept {
        route_match m;
        int s = lookup_static(path);
        for (auto i : param_routes) {
            if (s >= 0 && static_cast<int>(i) > s) break;
            if (auto n = matchers[i](path, m.params.data())) {
                m.index = static_cast<int>(i);
                m.param_count = n - 1;
                return m;
            }
        }
        m.index = s;
        return m;
    }
};

} // namespace detail

} // namespace warden

#endif
