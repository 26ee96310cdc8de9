/// @file
/// DRF's rate throttles: `anon_rate` (AnonRateThrottle), `user_rate` (UserRateThrottle)
/// and `scoped_rate` (ScopedRateThrottle), counting in the app's throttle counter store.
///
/// Behaviour is DRF 3.14's SimpleRateThrottle: a request is allowed when fewer than N
/// requests of the same key fall in the last `duration` seconds (a sliding window of
/// timestamps), and recorded only when allowed. A refusal reports DRF's `wait()`. The
/// view checks every throttle and reports the longest wait as 429 `{"detail": "Request
/// was throttled. Expected available in N seconds."}` with `Retry-After: N`.
///
/// Beyond DRF:
/// - counting is atomic in the store: N threads (or N server instances sharing a store)
///   hammering one key never let more than the rate through;
/// - the client is `req.remote_address()`: the peer, or with `settings.num_proxies = N`
///   the Nth X-Forwarded-For entry from the right. DRF's default (no NUM_PROXIES) trusts
///   the whole client-supplied header, so every request can claim to be a new client;
/// - rates from settings are read and checked once, when the app starts: a missing or
///   malformed rate is an exception naming the scope, not a 500 on the first request;
///   a rate given in the type is checked at compile time.
///
/// A rate is DRF's "N/s", "N/m", "N/h" or "N/d" (the period's first letter decides:
/// "5/minute" works); in settings, "none" switches a scope off (DRF's None).
///
/// The throttles use the store through `throttle_counters_tag`, so a route throttled
/// over a blocking store (SQLite) runs off the I/O threads automatically.
///
/// @code
/// struct throttled_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                         warden::throttles<warden::anon_rate<>, warden::user_rate<>>> {
///     warden::response get(warden::request&) { return warden::json({{"ok", true}}); }
/// };
/// warden::settings s;
/// s.throttle_rates["anon"] = "3/minute";
/// s.throttle_rates["user"] = "5/minute";
///
/// struct upload_api : warden::api_view<warden::throttles<warden::scoped_rate>> {
///     static constexpr std::string_view throttle_scope = "uploads";   // settings.throttle_rates["uploads"]
///     ...
/// };
/// using burst = warden::basic_user_rate<"burst", "60/minute">;       // DRF's BurstRateThrottle
/// @endcode
#ifndef WARDEN_THROTTLE_BUILTIN_HPP
#define WARDEN_THROTTLE_BUILTIN_HPP

#include <warden/core/concepts.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/request.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>
#include <warden/throttle/detail/counting.hpp>
#include <warden/throttle/rate.hpp>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden {

namespace detail {

// The rate of a throttle whose type may carry it: from the type when given, else from
// settings under `Scope`. Checked at compile time or when the app starts.
template <fixed_string Scope, fixed_string Rate>
class fixed_scope_rate {
public:
    static_assert(Scope.size() > 0, "warden: a throttle scope must not be empty");
    static_assert(Rate.size() == 0 || parse_throttle_rate(Rate.view()).has_value(),
                  "warden: a throttle rate must be \"N/s\", \"N/m\", \"N/h\" or \"N/d\" with N a whole number "
                  "(DRF's syntax, e.g. warden::anon_rate<\"100/day\"> or \"5/minute\")");

    fixed_scope_rate() requires(Rate.size() > 0) : rate_(parse_throttle_rate(Rate.view())) {}
    explicit fixed_scope_rate(const warden::settings& s) : rate_(resolve(s)) {}

    const std::optional<throttle_rate>& rate() const noexcept { return rate_; }

private:
    static std::optional<throttle_rate> resolve(const warden::settings& s) {
        if constexpr (Rate.size() > 0) return parse_throttle_rate(Rate.view());
        else return rate_from_settings(s, Scope.view());
    }

    std::optional<throttle_rate> rate_;
};

} // namespace detail

/// DRF's AnonRateThrottle under scope `Scope`: counts anonymous requests per client
/// address; authenticated requests are not counted.
///
/// @tparam Scope the settings key of the rate and part of the counter key
/// @tparam Rate the rate ("100/day"); empty: `settings.throttle_rates[Scope]`, read at start
///
/// @code
/// using anon = warden::basic_anon_rate<"anon", "100/day">;
/// @endcode
template <fixed_string Scope, fixed_string Rate = "">
class basic_anon_rate {
public:
    using policy_kind = throttle_tag;
    using requires_services = services<throttle_counters_tag>;
    static constexpr std::string_view scope = Scope.view();

    /// With the rate in the type.
    basic_anon_rate() requires(Rate.size() > 0) = default;
    /// Reads the rate (unless the type gives it) from the app's settings.
    /// @throws std::invalid_argument naming the scope when the rate is missing or malformed
    template <detail::settings_context Ctx>
    explicit basic_anon_rate(const Ctx& ctx) : rate_(ctx.settings()) {}
    explicit basic_anon_rate(const warden::settings& s) : rate_(s) {}

    /// The rate; empty when switched off ("none").
    const std::optional<throttle_rate>& rate() const noexcept { return rate_.rate(); }

    template <class View, class Ctx>
    throttle_result allow_request(request& req, const View&, Ctx& ctx) const {
        if (!rate_.rate() || req.user().is_authenticated()) return throttle_result::allow();
        return detail::count_hit(ctx, detail::throttle_key(scope, req.remote_address()), *rate_.rate());
    }

private:
    detail::fixed_scope_rate<Scope, Rate> rate_;
};

/// DRF's UserRateThrottle under scope `Scope`: counts per user id, and per client
/// address for anonymous requests.
///
/// @tparam Scope the settings key of the rate and part of the counter key
/// @tparam Rate the rate ("1000/day"); empty: `settings.throttle_rates[Scope]`, read at start
///
/// @code
/// using burst = warden::basic_user_rate<"burst", "60/minute">;
/// using sustained = warden::basic_user_rate<"sustained", "1000/day">;
/// struct api : warden::api_view<warden::throttles<burst, sustained>> { ... };
/// @endcode
template <fixed_string Scope, fixed_string Rate = "">
class basic_user_rate {
public:
    using policy_kind = throttle_tag;
    using requires_services = services<throttle_counters_tag>;
    static constexpr std::string_view scope = Scope.view();

    basic_user_rate() requires(Rate.size() > 0) = default;
    /// @throws std::invalid_argument naming the scope when the rate is missing or malformed
    template <detail::settings_context Ctx>
    explicit basic_user_rate(const Ctx& ctx) : rate_(ctx.settings()) {}
    explicit basic_user_rate(const warden::settings& s) : rate_(s) {}

    const std::optional<throttle_rate>& rate() const noexcept { return rate_.rate(); }

    template <class View, class Ctx>
    throttle_result allow_request(request& req, const View&, Ctx& ctx) const {
        if (!rate_.rate()) return throttle_result::allow();
        auto key = req.user().is_authenticated() ? detail::throttle_key(scope, req.user().id)
                                                 : detail::throttle_key(scope, req.remote_address());
        return detail::count_hit(ctx, key, *rate_.rate());
    }

private:
    detail::fixed_scope_rate<Scope, Rate> rate_;
};

/// DRF's AnonRateThrottle: scope "anon"; `anon_rate<>` reads `settings.throttle_rates["anon"]`.
template <fixed_string Rate = "">
using anon_rate = basic_anon_rate<"anon", Rate>;

/// DRF's UserRateThrottle: scope "user"; `user_rate<>` reads `settings.throttle_rates["user"]`.
template <fixed_string Rate = "">
using user_rate = basic_user_rate<"user", Rate>;

/// DRF's ScopedRateThrottle: throttles views that declare
/// `static constexpr std::string_view throttle_scope = "...";` at
/// `settings.throttle_rates[scope]`, per user id (or client address when anonymous);
/// views without a scope (or with an empty one) are not throttled. Views sharing a
/// scope share the count.
///
/// Every entry of `settings.throttle_rates` is parsed at start (a malformed one is an
/// exception naming its scope). A view whose scope has no rate is found by
/// `check_view<View>()`, which the app calls for every route when it is built: the app
/// then refuses to start (DRF answers the first request with a 500 ImproperlyConfigured).
///
/// @code
/// struct upload_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                      warden::throttles<warden::scoped_rate>> {
///     static constexpr std::string_view throttle_scope = "uploads";
///     warden::response post(warden::request& req);
/// };
/// settings.throttle_rates["uploads"] = "20/day";
/// @endcode
class scoped_rate {
public:
    using policy_kind = throttle_tag;
    using requires_services = services<throttle_counters_tag>;

    /// @throws std::invalid_argument naming the scope of a malformed rate
    template <detail::settings_context Ctx>
    explicit scoped_rate(const Ctx& ctx) : scoped_rate(ctx.settings()) {}
    explicit scoped_rate(const warden::settings& s) {
        for (auto& [scope, text] : s.throttle_rates) rates_.emplace(scope, detail::rate_from_setting(scope, text));
    }

    /// The scope of `View`, or empty when it declares none.
    template <class View>
    static constexpr std::string_view scope_of() noexcept {
        if constexpr (requires { { View::throttle_scope } -> std::convertible_to<std::string_view>; })
            return std::string_view(View::throttle_scope);
        else
            return {};
    }

    /// Throws when `View` declares a scope that has no rate (the check an app runs at start).
    /// @throws std::invalid_argument naming the scope
    template <class View>
    void check_view() const {
        if (constexpr auto s = scope_of<View>(); !s.empty()) (void)rate_of(s);
    }

    template <class View, class Ctx>
    throttle_result allow_request(request& req, const View&, Ctx& ctx) const {
        constexpr std::string_view scope = scope_of<View>();
        if constexpr (scope.empty()) {
            (void)req, (void)ctx;
            return throttle_result::allow();
        } else {
            const auto& rate = rate_of(scope);
            if (!rate) return throttle_result::allow();
            auto key = req.user().is_authenticated() ? detail::throttle_key(scope, req.user().id)
                                                     : detail::throttle_key(scope, req.remote_address());
            return detail::count_hit(ctx, key, *rate);
        }
    }

private:
    const std::optional<throttle_rate>& rate_of(std::string_view scope) const {
        auto it = rates_.find(scope);
        if (it == rates_.end())
            throw std::invalid_argument("warden: no throttle rate for scope " + detail::quoted(scope) +
                                        ", which a view names in `throttle_scope`: set settings.throttle_rates[" +
                                        detail::quoted(scope) + "] (e.g. \"100/day\"), or \"none\" to leave it unthrottled");
        return it->second;
    }

    std::map<std::string, std::optional<throttle_rate>, std::less<>> rates_;
};

} // namespace warden

#endif
