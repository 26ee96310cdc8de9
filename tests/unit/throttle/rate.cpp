// DRF's rate syntax and wait() arithmetic, and rates that fail the app at start.
#include "support.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

using namespace warden;

static_assert(parse_throttle_rate("5/minute") == throttle_rate{5, 60});
static_assert(parse_throttle_rate("3/m") == throttle_rate{3, 60});
static_assert(!parse_throttle_rate("5/fortnight"));
static_assert(throttle_rate{3, 60}.wait(3, 1000.0, 1010.0) == 50.0);

TEST_CASE("rates parse as DRF reads them: the period's first letter decides", "[throttle][rate]") {
    for (auto& [text, expected] : std::vector<std::pair<std::string_view, throttle_rate>>{
             {"3/minute", {3, 60}}, {"5/m", {5, 60}}, {"5/min", {5, 60}}, {"10/s", {10, 1}}, {"10/sec", {10, 1}},
             {"10/second", {10, 1}}, {"1/h", {1, 3600}}, {"1/hour", {1, 3600}}, {"100/d", {100, 86400}},
             {"100/day", {100, 86400}}, {"0/m", {0, 60}}, {"007/s", {7, 1}}, {"1000000000/d", {1'000'000'000, 86400}}}) {
        INFO(text);
        auto r = parse_throttle_rate(text);
        REQUIRE(r);
        CHECK(*r == expected);
    }
}

TEST_CASE("malformed rates are refused", "[throttle][rate]") {
    for (std::string_view text : {"", "/m", "3", "3/", "3/M", "3/Minute", "3/x", "3/w", "-1/m", "+1/m", " 3/m", "3 /m",
                                  "3/ m", "3/m ", "1_000/m", "3/m/s", "3//m", "3/m1", "1000000001/d",
                                  "99999999999999999999999/m", "3.5/m", "none", "3/\xe9"}) {
        INFO('"' << text << '"');
        CHECK_FALSE(parse_throttle_rate(text));
    }
}

TEST_CASE("wait() is DRF's arithmetic", "[throttle][rate]") {
    throttle_rate r{3, 60};
    CHECK(r.wait(3, 1000.0, 1010.0) == 50.0);            // (60 - 10) / (3 - 3 + 1)
    CHECK(r.wait(3, 1000.5, 1059.875) == 0.625);         // just before the oldest leaves
    CHECK(r.wait(2, 1000.0, 1030.0) == 15.0);            // (60 - 30) / 2
    CHECK(r.wait(0, 0.0, 1000.0) == 15.0);               // no history: 60 / (3 - 0 + 1)
    CHECK(r.wait(4, 1000.0, 1001.0) < 0);                // more than the rate: DRF's None
    CHECK(throttle_rate{0, 60}.wait(0, 0.0, 5.0) == 60.0);
    CHECK(throttle_rate{5, 86400}.wait(5, 100.25, 200.5) == 86400.0 - 100.25);
}

namespace {

struct open_view : api_view<authentication<>, throttles<anon_rate<>, user_rate<>>> {
    response get(request&) { return json({{"ok", true}}); }
};
struct typed_view : api_view<authentication<>, throttles<anon_rate<"2/minute">>> {
    response get(request&) { return json({{"ok", true}}); }
};
struct scoped_view : api_view<authentication<>, throttles<scoped_rate>> {
    static constexpr std::string_view throttle_scope = "uploads";
    response get(request&) { return json({{"ok", true}}); }
};

settings with_rates(std::initializer_list<std::pair<const std::string, std::string>> rates) {
    settings s;
    for (auto& [k, v] : rates) s.throttle_rates[k] = v;
    return s;
}

template <class View>
void expect_start_failure(const settings& s, const std::string& fragment) {
    memory_store db;
    try {
        auto site = app<route<"/x/", View>>(db, s);
        FAIL("the app started");
    } catch (const std::invalid_argument& e) {
        INFO(e.what());
        CHECK_THAT(e.what(), Catch::Contains(fragment));
    }
}

} // namespace

TEST_CASE("a missing or malformed rate fails the app at start, naming the scope", "[throttle][rate]") {
    expect_start_failure<open_view>(with_rates({{"user", "5/minute"}}),
                                    "no throttle rate for scope \"anon\": set settings.throttle_rates[\"anon\"]");
    expect_start_failure<open_view>(with_rates({{"anon", "3/minute"}}), "no throttle rate for scope \"user\"");
    expect_start_failure<open_view>(with_rates({{"anon", "3/minute"}, {"user", "5/fortnight"}}),
                                    "throttle rate \"5/fortnight\" for scope \"user\" is malformed");
    expect_start_failure<open_view>(with_rates({{"anon", "3 per minute"}, {"user", "5/m"}}), "for scope \"anon\"");
    // scoped_rate reads every entry at start, used or not.
    expect_start_failure<scoped_view>(with_rates({{"uploads", "3/m"}, {"burst", "ten/s"}}),
                                      "throttle rate \"ten/s\" for scope \"burst\" is malformed");
}

TEST_CASE("valid rates start the app; a rate in the type ignores settings; \"none\" switches a scope off",
          "[throttle][rate]") {
    memory_store db;
    auto site = app<route<"/x/", open_view>, route<"/t/", typed_view>>(
        db, with_rates({{"anon", "3/minute"}, {"user", "none"}}));
    CHECK(site.registry().get<anon_rate<>>().rate() == throttle_rate{3, 60});
    CHECK_FALSE(site.registry().get<user_rate<>>().rate());
    CHECK(site.registry().get<anon_rate<"2/minute">>().rate() == throttle_rate{2, 60});

    auto typed_only = app<route<"/t/", typed_view>>(db);   // no settings at all
    CHECK(typed_only.registry().get<anon_rate<"2/minute">>().rate() == throttle_rate{2, 60});
    CHECK(anon_rate<"2/minute">{}.rate() == throttle_rate{2, 60});
}

TEST_CASE("a view whose scope has no rate stops the app at start, naming the scope", "[throttle][rate]") {
    memory_store db;
    CHECK_THROWS_WITH((app<route<"/x/", scoped_view>>(db, with_rates({{"other", "3/minute"}}))),
                      Catch::Contains("no throttle rate for scope \"uploads\""));
    auto fine = app<route<"/x/", scoped_view>>(db, with_rates({{"uploads", "3/minute"}}));
    auto& throttle = fine.registry().get<scoped_rate>();
    CHECK_NOTHROW(throttle.check_view<scoped_view>());
    CHECK_NOTHROW(throttle.check_view<open_view>());   // no scope: never throttled
}
