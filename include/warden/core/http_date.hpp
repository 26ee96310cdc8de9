/// @file
/// IMF-fixdate formatting ("Sun, 06 Nov 1994 08:49:37 GMT"), as HTTP and Django use.
#ifndef WARDEN_CORE_HTTP_DATE_HPP
#define WARDEN_CORE_HTTP_DATE_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace warden {

/// Formats `t` as an IMF-fixdate (RFC 7231 section 7.1.1.1).
inline std::string format_http_date(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    static constexpr const char* day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    weekday wd{day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", day_names[wd.c_encoding()],
                  static_cast<unsigned>(ymd.day()), month_names[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

namespace detail {

// The current time as an IMF-fixdate for the Date header of every response: formatted
// once per second per thread, so a response costs no formatting.
inline std::string_view http_date_now() {
    thread_local std::int64_t cached_second = -1;
    thread_local char text[40];
    thread_local std::size_t length = 0;
    auto now = std::chrono::system_clock::now();
    auto second = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
    if (second != cached_second) {
        auto s = format_http_date(now);
        length = std::min(s.size(), sizeof text);
        std::memcpy(text, s.data(), length);
        cached_second = second;
    }
    return {text, length};
}

} // namespace detail

} // namespace warden

#endif
