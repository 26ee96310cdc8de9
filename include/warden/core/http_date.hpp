/// @file
/// IMF-fixdate formatting ("Sun, 06 Nov 1994 08:49:37 GMT"), as HTTP and Django use.
#ifndef WARDEN_CORE_HTTP_DATE_HPP
#define WARDEN_CORE_HTTP_DATE_HPP

#include <chrono>
#include <cstdio>
#include <string>

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

} // namespace warden

#endif
