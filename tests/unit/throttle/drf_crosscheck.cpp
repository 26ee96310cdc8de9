// DRF itself as the oracle: the same timed request sequence is run through DRF 3.14's
// AnonRateThrottle + UserRateThrottle (the reference site's ThrottledAPI) and
// ScopedRateThrottle with a fake timer, and through warden with a frozen clock, on both
// counter backends. Every verdict, message and Retry-After must agree. Skips (with a
// message) when Debian's python3 or DRF is missing.
#include "support.hpp"

#include <support/python.hpp>

#include <boost/json.hpp>

#include <random>
#include <string>
#include <vector>

using namespace warden;
using fixtures::freeze_at;
using fixtures::test_auth;

namespace {

struct throttled_api : api_view<authentication<test_auth>, throttles<anon_rate<>, user_rate<>>> {
    response get(request&) { return json({{"ok", true}}); }
};
struct uploads_api : api_view<authentication<test_auth>, throttles<scoped_rate>> {
    static constexpr std::string_view throttle_scope = "uploads";
    response get(request&) { return json({{"ok", true}}); }
};

const char* drf_script = R"PY(
import sys, json
try:
    from django.conf import settings
    settings.configure(
        SECRET_KEY="warden-test",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute", "uploads": "2/minute"}},
    )
    import django
    django.setup()
    from rest_framework import exceptions
    from rest_framework.throttling import (AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle,
                                           UserRateThrottle)
except Exception:
    print("NO-DRF"); sys.exit(0)

T0 = 1700000000
NOW = [0.0]
SimpleRateThrottle.timer = staticmethod(lambda: NOW[0])

class Anonymous:
    is_authenticated = False
class User:
    is_authenticated = True
    def __init__(self, pk): self.pk = pk
class Request:
    def __init__(self, user, addr):
        self.user = user
        self.META = {"REMOTE_ADDR": addr}
class ThrottledView:
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
class UploadsView:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

out = []
for e in json.load(sys.stdin):
    NOW[0] = T0 + e["t"]
    req = Request(User(e["user"]) if e["user"] else Anonymous(), e["addr"])
    view = UploadsView() if e["route"] == "uploads" else ThrottledView()
    # APIView.check_throttles, 3.14
    durations = []
    for cls in view.throttle_classes:
        throttle = cls()
        if not throttle.allow_request(req, view):
            durations.append(throttle.wait())
    if not durations:
        out.append({"status": 200})
        continue
    wait = max([d for d in durations if d is not None], default=None)
    exc = exceptions.Throttled(wait)
    out.append({"status": 429, "detail": str(exc.detail),
                "retry_after": ("%d" % exc.wait) if getattr(exc, "wait", None) else ""})
print(json.dumps(out))
)PY";

struct event {
    double t;
    int user;   // 0: anonymous; 1 alice, 3 carol
    std::string addr;
    bool uploads;
};

std::vector<event> make_events(unsigned seed, std::size_t n) {
    // Mostly bursts (binary fractions of a second, exact as doubles), now and then a
    // pause that lets windows empty, including one of exactly a minute.
    std::mt19937 rng(seed);
    const double short_gaps[] = {0, 0, 0.125, 0.25, 0.5, 1, 2.5};
    const double long_gaps[] = {30, 59.875, 60};
    const char* addrs[] = {"10.0.0.1", "2001:db8::7"};
    std::vector<event> out;
    double t = 0;
    for (std::size_t i = 0; i < n; ++i) {
        t += rng() % 25 == 0 ? long_gaps[rng() % std::size(long_gaps)] : short_gaps[rng() % std::size(short_gaps)];
        auto who = rng() % 5;   // 2 in 5 anonymous, 2 in 5 alice, 1 in 5 carol
        out.push_back({t, who < 2 ? 0 : who < 4 ? 1 : 3, addrs[rng() % std::size(addrs)], rng() % 4 == 0});
    }
    return out;
}

} // namespace

TEMPLATE_LIST_TEST_CASE("a timed request sequence gets DRF's verdicts, messages and Retry-After",
                        "[throttle][drf]", fixtures::backends) {
    auto events = make_events(20231114, 400);
    boost::json::array input;
    for (auto& e : events) {
        boost::json::object o;
        o["t"] = e.t;
        o["user"] = e.user;
        o["addr"] = e.addr;
        o["route"] = e.uploads ? "uploads" : "throttled";
        input.push_back(std::move(o));
    }
    auto out = warden_test::run_python(drf_script, boost::json::serialize(input), "NO-DRF");
    if (!out) {
        WARN("skipped: /usr/bin/python3 with Django REST Framework is missing "
             "(apt-get install python3-djangorestframework)");
        return;
    }
    boost::json::error_code ec;
    auto expected = boost::json::parse(*out, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(expected.as_array().size() == events.size());

    TestType backend;
    settings s;
    s.throttle_rates = {{"anon", "3/minute"}, {"user", "5/minute"}, {"uploads", "2/minute"}};
    auto site = app<route<"/api/throttled/", throttled_api>, route<"/api/uploads/", uploads_api>>(backend.store, s);
    int refused = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto& e = events[i];
        auto& want = expected.as_array()[i].as_object();
        freeze_at(site, e.t);
        test::client c{site, e.addr};
        std::string auth = e.user == 1 ? "Test alice" : e.user == 3 ? "Test carol" : "";
        auto r = auth.empty() ? c.get(e.uploads ? "/api/uploads/" : "/api/throttled/")
                              : c.get(e.uploads ? "/api/uploads/" : "/api/throttled/", {{"Authorization", auth}});
        INFO(TestType::name << " event " << i << " t=" << e.t << " user=" << e.user << " addr=" << e.addr
                            << (e.uploads ? " uploads" : " throttled"));
        REQUIRE(r.status() == want.at("status").as_int64());
        if (r.status() == 429) {
            ++refused;
            CHECK(r.detail() == want.at("detail").as_string());
            CHECK(r.header("Retry-After") == want.at("retry_after").as_string());
        }
    }
    // The sequence exercises both outcomes plenty.
    CHECK(refused > 50);
    CHECK(refused < 350);
}
