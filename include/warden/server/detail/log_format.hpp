// The access and error log line formats: the UTC time, the peer, the request line with
// the query string's keys only, status, bytes and duration; every byte outside printable
// ASCII escaped, each field capped, so a line never spans lines nor carries a secret.
#ifndef WARDEN_SERVER_DETAIL_LOG_FORMAT_HPP
#define WARDEN_SERVER_DETAIL_LOG_FORMAT_HPP

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace warden::detail {

/// What one access-log line records.
struct access_entry {
    std::string_view remote;     ///< peer address; "-" when empty
    std::string_view method;     ///< "-" when the request line could not be read
    std::string_view target;     ///< the raw request-target; only its path and query keys are written
    unsigned status = 0;
    std::uint64_t bytes = 0;     ///< response body bytes sent
    std::chrono::microseconds duration{0};
};

// Longest path and query-key text written per line: a client cannot make lines huge.
inline constexpr std::size_t log_target_max = 512;

inline void append_number(std::string& out, std::uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ". The seconds part is cached per thread: formatting is then
// a copy plus three digits.
inline void append_log_time(std::string& out, std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(t);
    auto secs = floor<seconds>(ms);
    thread_local std::int64_t cached_second = -1;
    thread_local char cached_text[48];
    if (secs.time_since_epoch().count() != cached_second) {
        auto day = floor<days>(secs);
        year_month_day ymd{day};
        hh_mm_ss hms{secs - day};
        std::snprintf(cached_text, sizeof cached_text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                      static_cast<int>(hms.seconds().count()));
        cached_second = secs.time_since_epoch().count();
    }
    out.append(cached_text, 19);
    auto milli = static_cast<unsigned>((ms - secs).count());
    char frac[5] = {'.', static_cast<char>('0' + milli / 100), static_cast<char>('0' + milli / 10 % 10),
                    static_cast<char>('0' + milli % 10), 'Z'};
    out.append(frac, 5);
}

// Appends `s`, escaping anything that could break the line's fields, with at most
// `budget` bytes of input consumed (the budget shrinks as text is written). Runs that
// need no escape (nearly all of a line) are appended whole.
inline void append_escaped(std::string& out, std::string_view s, std::size_t& budget) {
    static constexpr char hex[] = "0123456789abcdef";
    const bool cut = s.size() > budget;
    if (cut) s = s.substr(0, budget);
    budget -= s.size();
    auto plain = [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '"' && c != '\\'; };
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = i;
        while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
        out.append(s.data() + i, run - i);
        if (run == s.size()) break;
        auto c = static_cast<unsigned char>(s[run]);
        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        out.append(esc, 4);
        i = run + 1;
    }
    if (cut) out.append("...");
}

// The path, then '?' and the query's keys joined by '&' (values dropped).
inline void append_log_target(std::string& out, std::string_view target) {
    std::size_t budget = log_target_max;
    auto q = target.find('?');
    append_escaped(out, target.substr(0, q), budget);
    if (q == std::string_view::npos || q + 1 == target.size()) return;
    std::string_view query = target.substr(q + 1);
    out.push_back('?');
    bool first = true;
    while (budget > 0) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        if (!first) out.push_back('&');
        first = false;
        append_escaped(out, pair.substr(0, pair.find('=')), budget);
        if (amp == std::string_view::npos) return;
        query.remove_prefix(amp + 1);
    }
    out.append("...");
}

inline void append_field(std::string& out, std::string_view s) {
    if (s.empty()) {
        out.push_back('-');
        return;
    }
    std::size_t budget = log_target_max;
    append_escaped(out, s, budget);
}

/// Formats `e` as one access-log line ending in '\n' into `out` (cleared first; its
/// capacity is reused).
inline void format_access_line(std::string& out, std::chrono::system_clock::time_point now, const access_entry& e) {
    out.clear();
    append_log_time(out, now);
    out.push_back(' ');
    append_field(out, e.remote);
    out.push_back(' ');
    append_field(out, e.method);
    out.push_back(' ');
    if (e.target.empty()) out.push_back('-');
    else append_log_target(out, e.target);
    out.push_back(' ');
    append_number(out, e.status);
    out.push_back(' ');
    append_number(out, e.bytes);
    out.push_back(' ');
    append_number(out, static_cast<std::uint64_t>(e.duration.count() < 0 ? 0 : e.duration.count()));
    out.append("us\n");
}

/// Formats an error line: time, peer, "error:", and `message` escaped (callers pass
/// text that holds no request data).
inline void format_error_line(std::string& out, std::chrono::system_clock::time_point now, std::string_view remote,
                              std::string_view message) {
    out.clear();
    append_log_time(out, now);
    out.push_back(' ');
    append_field(out, remote);
    out.append(" error: ");
    if (message.size() > log_target_max) message = message.substr(0, log_target_max);
    for (char ch : message) {
        auto c = static_cast<unsigned char>(ch);
        out.push_back(c >= 0x20 && c < 0x7f ? ch : '?');
    }
    out.push_back('\n');
}

} // namespace warden::detail

#endif
