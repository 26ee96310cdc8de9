// The access-log line format, without a server.
#include <warden/server/access_log.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace warden;

namespace {

std::chrono::system_clock::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

std::string line(detail::access_entry e, std::chrono::system_clock::time_point t = at(2026, 11, 28, 13, 55, 13, 7)) {
    std::string out;
    detail::format_access_line(out, t, e);
    return out;
}

} // namespace

TEST_CASE("an access line holds time, peer, method, path, status, bytes and microseconds", "[server][access_log]") {
    detail::access_entry e{"127.0.0.1", "GET", "/api/notes/", 200, 57, std::chrono::microseconds(412)};
    CHECK(line(e) == "2026-11-28T13:55:13.007Z 127.0.0.1 GET /api/notes/ 200 57 412us\n");
}

TEST_CASE("the time is UTC with milliseconds, also across seconds on one thread", "[server][access_log]") {
    detail::access_entry e{"::1", "HEAD", "/", 204, 0, std::chrono::microseconds(0)};
    CHECK(line(e, at(1999, 12, 31, 23, 59, 59, 999)) == "1999-12-31T23:59:59.999Z ::1 HEAD / 204 0 0us\n");
    CHECK(line(e, at(2000, 1, 1, 0, 0, 0, 0)) == "2000-01-01T00:00:00.000Z ::1 HEAD / 204 0 0us\n");
}

TEST_CASE("query values are dropped, keys are kept", "[server][access_log]") {
    detail::access_entry e{"10.0.0.1", "GET", "/search/?q=hunter2&token=abc&flag&=x&page=3", 200, 1, {}};
    CHECK(line(e) == "2026-11-28T13:55:13.007Z 10.0.0.1 GET /search/?q&token&flag&&page 200 1 0us\n");
    e.target = "/path/?";
    CHECK(line(e).find(" /path/ 200") != std::string::npos);
}

TEST_CASE("bytes that could forge or split a line are escaped", "[server][access_log]") {
    detail::access_entry e{"10.0.0.1", "GET", "/a b\n2026-01-01T00:00:00.000Z 1.2.3.4 GET /admin/ 200 0 0us\"\\\xff", 200, 1, {}};
    auto l = line(e);
    CHECK(l.find('\n') == l.size() - 1);
    CHECK(l.find("/a\\x20b\\x0a2026") != std::string::npos);
    CHECK(l.find("\\x22\\x5c\\xff ") != std::string::npos);
}

TEST_CASE("long targets are truncated with a marker", "[server][access_log]") {
    const std::string target = "/" + std::string(5000, 'p');   // the entry holds a view of it
    detail::access_entry e{"10.0.0.1", "GET", target, 200, 1, {}};
    auto l = line(e);
    CHECK(l.size() < 700);
    CHECK(l.find("pp... 200 ") != std::string::npos);
    std::string query = "/q/?";
    for (int i = 0; i < 500; ++i) query += "key" + std::to_string(i) + "=v&";
    e.target = query;
    auto l2 = line(e);
    CHECK(l2.size() < 700);
    CHECK(l2.find("...") != std::string::npos);
    CHECK(l2.find("=v") == std::string::npos);
}

TEST_CASE("unknown method, target and peer are written as '-'", "[server][access_log]") {
    detail::access_entry e{{}, {}, {}, 400, 31, std::chrono::microseconds(5)};
    CHECK(line(e) == "2026-11-28T13:55:13.007Z - - - 400 31 5us\n");
}

TEST_CASE("error lines replace control characters", "[server][access_log]") {
    std::string out;
    detail::format_error_line(out, at(2026, 1, 2, 3, 4, 5, 6), "127.0.0.1", "bad\nthing\x01");
    CHECK(out == "2026-01-02T03:04:05.006Z 127.0.0.1 error: bad?thing?\n");
}

TEST_CASE("ostream_log writes whole lines", "[server][access_log]") {
    std::ostringstream os;
    ostream_log sink{os};
    sink("one\n");
    sink("two\n");
    CHECK(os.str() == "one\ntwo\n");
    static_assert(log_sink<ostream_log> && log_sink<file_log> && log_sink<no_log> && log_sink<buffered_log>);
}

namespace {

// What `f` holds, read from the start.
std::string contents(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    std::fseek(f, 0, SEEK_END);
    return out;
}

} // namespace

TEST_CASE("buffered_log writes every line, in order per thread, by the time it is destroyed", "[server][access_log]") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    constexpr int threads = 4, per_thread = 5000;
    {
        // A small bound (clamped to 64 KiB) so that callers also block on a full buffer.
        buffered_log sink{f, std::chrono::milliseconds(1000), 1};
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&sink, t] {
                for (int i = 0; i < per_thread; ++i) {
                    std::ostringstream l;
                    l << 't' << t << ' ' << i << '\n';
                    sink(l.str());
                }
            });
        for (auto& w : workers) w.join();
    }
    std::istringstream in{contents(f)};
    std::map<int, int> next;   // thread -> next expected number
    std::string tag;
    int n = 0, lines = 0;
    while (in >> tag >> n) {
        int t = std::stoi(tag.substr(1));
        CHECK(n == next[t]);
        next[t] = n + 1;
        ++lines;
    }
    CHECK(lines == threads * per_thread);
    for (int t = 0; t < threads; ++t) CHECK(next[t] == per_thread);
    std::fclose(f);
}

TEST_CASE("buffered_log::flush writes what was queued before it returns", "[server][access_log]") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    {
        // An interval long enough that only flush() can have written the lines.
        buffered_log sink{f, std::chrono::hours(1)};
        sink("one\n");
        sink("two\n");
        sink.flush();
        CHECK(contents(f) == "one\ntwo\n");
        sink("three\n");
        buffered_log moved{std::move(sink)};   // the writer goes with the state
        moved.flush();
        CHECK(contents(f) == "one\ntwo\nthree\n");
        moved("four\n");
    }
    CHECK(contents(f) == "one\ntwo\nthree\nfour\n");
    std::fclose(f);
}
