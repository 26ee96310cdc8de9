// Internals shared by the rate throttles: rates from settings (validated at start), DRF's
// cache keys, and one counted hit through the app's counter store.
#ifndef WARDEN_THROTTLE_DETAIL_COUNTING_HPP
#define WARDEN_THROTTLE_DETAIL_COUNTING_HPP

#include <warden/core/concepts.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>
#include <warden/store/records.hpp>
#include <warden/throttle/rate.hpp>

#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::detail {

template <class C>
concept settings_context = requires(const C& c) {
    { c.settings() } -> std::convertible_to<const warden::settings&>;
};

// "none" switches a scope off, as DRF's `None` rate.
inline constexpr std::string_view throttle_off = "none";

inline std::string quoted(std::string_view s) { return std::string("\"").append(s).append("\""); }

// A configured rate, or empty when the scope is switched off; exceptions name the scope
// and the fix (they are raised at start, never on the request path, for anon/user rates).
inline std::optional<throttle_rate> rate_from_setting(std::string_view scope, std::string_view text) {
    if (text == throttle_off) return std::nullopt;
    if (auto r = parse_throttle_rate(text)) return r;
    throw std::invalid_argument("warden: throttle rate " + quoted(text) + " for scope " + quoted(scope) +
                                " is malformed: expected \"N/s\", \"N/m\", \"N/h\" or \"N/d\" with N a whole number "
                                "(DRF's syntax: \"5/minute\" and \"1000/day\" work too), or \"none\" to switch the scope off");
}

inline std::optional<throttle_rate> rate_from_settings(const warden::settings& s, std::string_view scope) {
    auto it = s.throttle_rates.find(scope);
    if (it == s.throttle_rates.end())
        throw std::invalid_argument("warden: no throttle rate for scope " + quoted(scope) + ": set settings.throttle_rates[" +
                                    quoted(scope) + "] (e.g. \"100/day\"; from the environment: WARDEN_THROTTLE_RATES=" +
                                    std::string(scope) + "=100/day), or give the rate in the throttle's type (e.g. "
                                    "warden::anon_rate<\"100/day\">)");
    return rate_from_setting(scope, it->second);
}

// DRF's cache key, `throttle_<scope>_<ident>`: the ident is the user's id or the client
// address, which never contains '_', so keys of different scopes and idents never meet.
inline std::string throttle_key(std::string_view scope, std::string_view address) {
    std::string key;
    key.reserve(10 + scope.size() + address.size());
    key.append("throttle_").append(scope).push_back('_');
    key.append(address);
    return key;
}
inline std::string throttle_key(std::string_view scope, std::int64_t user_id) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, user_id).ptr;
    return throttle_key(scope, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

// The time as DRF's time.time() gives it. Whole seconds and the fraction are converted
// apart: a nanosecond count near 1.7e18 is not exact as a double, and an error of a few
// hundred nanoseconds would move a wait that is a whole number of seconds up by one.
inline double seconds_since_epoch(std::chrono::system_clock::time_point t) noexcept {
    auto since = t.time_since_epoch();
    auto whole = std::chrono::floor<std::chrono::seconds>(since);
    return static_cast<double>(whole.count()) + std::chrono::duration<double>(since - whole).count();
}

// One hit on `key`: DRF's allow_request body, made atomic by the store. A store failure
// refuses the request, answered 503 rather than 429: a throttle fails closed.
template <class Ctx>
throttle_result count_hit(Ctx& ctx, const std::string& key, const throttle_rate& rate) {
    auto& store = ctx.template get<throttle_counters_tag>();
    const double now = seconds_since_epoch(ctx.clock().now());
    const double window = static_cast<double>(rate.duration);
    std::error_code ec;
    const throttle_state s = store.throttle_hit(key, now, window, rate.num_requests, ec);
    if (ec) return throttle_result::store_failed();
    if (s.allowed) return throttle_result::allow();
    return throttle_result::deny(rate.wait(s.count, s.oldest, now));
}

} // namespace warden::detail

#endif
