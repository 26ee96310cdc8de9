// Reading settings from environment variables, with errors naming the variable: what
// settings::from_env and the Django schema mode's settings (app/django_settings.hpp)
// both read with.
#ifndef WARDEN_CORE_DETAIL_ENV_HPP
#define WARDEN_CORE_DETAIL_ENV_HPP

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::detail::env {

/// The variable's value, empty when unset.
inline std::string_view text(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string_view(v) : std::string_view{};
}

/// A whole number from `lo` to `hi`, or `fallback` when unset.
/// @throws std::invalid_argument naming the variable.
inline std::int64_t number(const char* name, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
    auto v = text(name);
    if (v.empty()) return fallback;
    std::int64_t out = 0;
    for (char c : v) {
        if (c < '0' || c > '9' || out > (hi - (c - '0')) / 10)
            throw std::invalid_argument(std::string(name) + ": expected a whole number from " + std::to_string(lo) +
                                        " to " + std::to_string(hi));
        out = out * 10 + (c - '0');
    }
    if (out < lo) throw std::invalid_argument(std::string(name) + ": must be at least " + std::to_string(lo));
    return out;
}

/// Calls `f` with each item of a comma-separated list, spaces around each trimmed,
/// empty ones skipped.
template <class F>
void each_item(std::string_view list, F&& f) {
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) f(item);
    }
}

/// 1/true/yes or 0/false/no, or `fallback` when unset.
/// @throws std::invalid_argument naming the variable.
inline bool flag(const char* name, bool fallback) {
    auto v = text(name);
    if (v.empty()) return fallback;
    if (v == "1" || v == "true" || v == "yes") return true;
    if (v == "0" || v == "false" || v == "no") return false;
    throw std::invalid_argument(std::string(name) + ": expected 0 or 1");
}

} // namespace warden::detail::env

#endif
