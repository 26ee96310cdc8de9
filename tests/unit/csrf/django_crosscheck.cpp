// Cross-checks with Django 3.2 itself (Debian's /usr/bin/python3): masking and
// unmasking, sanitizing and comparison, the reason strings, Python's urlparse on
// hostile Referers, and the HTTPS Referer check of the real CsrfViewMiddleware.
// Each test skips with a message when python3 or Django is missing.
#include <warden/csrf/check.hpp>

#include <support/python.hpp>
#include <support/shared_data.hpp>

#include <catch2/catch.hpp>

#include <random>

using namespace warden;
namespace json = boost::json;

namespace {

const char* django_prelude = R"PY(
import sys, json
try:
    from django.conf import settings
    settings.configure(ALLOWED_HOSTS=["*"], SECRET_KEY="warden-test", USE_TZ=True)
    import django
    django.setup()
    from django.middleware import csrf
except Exception:
    print("NO-DJANGO"); sys.exit(0)
def unhex(h): return bytes.fromhex(h).decode("latin-1")
def tohex(s): return s.encode("latin-1").hex()
data = json.load(sys.stdin)
)PY";

std::optional<json::value> run(std::string_view body, const json::value& input) {
    auto out = warden_test::run_python(std::string(django_prelude) + std::string(body), json::serialize(input), "NO-DJANGO");
    if (!out) return std::nullopt;
    return json::parse(*out);
}

std::string hex(std::string_view s) {
    static constexpr char d[] = "0123456789abcdef";
    std::string h;
    for (unsigned char c : s) {
        h.push_back(d[c >> 4]);
        h.push_back(d[c & 15]);
    }
    return h;
}

// Deterministic hostile strings built from URL-significant pieces.
std::vector<std::string> fuzz_urls(std::size_t n, unsigned seed) {
    static const std::vector<std::string> pieces = {
        "https:", "http:", "HTTPS:", "//", "/", "[", "]", ":", "@", "?", "#", ";", "v1.", "v", "::", "1.2.3.4",
        "%", "%25", "eth0", "a", "B", "example.com", ".", "0", "ffff", "\t", " ", "\x01", "\xe9", "*", "8443",
        "-", "+", "::1", "fe80::1", "1:2:3:4:5:6:7:8", "01.2.3.4", "\\"};
    std::mt19937 rng(seed);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string s;
        auto count = 1 + rng() % 9;
        for (std::size_t k = 0; k < count; ++k) s += pieces[rng() % pieces.size()];
        out.push_back(s);
    }
    return out;
}

} // namespace

TEST_CASE("masking, unmasking and comparison agree with Django", "[csrf][django]") {
    json::array secrets, tokens, pairs;
    std::vector<std::string> our_secrets, our_tokens;
    our_secrets.resize(20);
    for (int i = 0; i < 20; ++i) {
        REQUIRE_FALSE(csrf::new_secret(our_secrets[static_cast<std::size_t>(i)]));
        our_tokens.push_back(csrf::mask_secret(our_secrets[static_cast<std::size_t>(i)]));
        secrets.emplace_back(our_secrets[static_cast<std::size_t>(i)]);
        tokens.emplace_back(our_tokens.back());
    }
    const std::string s0 = our_secrets[0], t0 = our_tokens[0];
    for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
             {t0, t0}, {s0, t0}, {t0, s0}, {csrf::mask_secret(s0), t0}, {our_tokens[1], t0}, {"", t0},
             {std::string(16, 'a'), t0}, {std::string(64, '*'), t0}, {std::string(64, 'a'), t0}, {t0 + "a", t0},
             {s0, s0}, {"bad token", "bad token"}})
        pairs.push_back(json::array{hex(a), hex(b)});
    json::array sanitize;
    for (const auto& v : {t0, s0, std::string(), std::string(31, 'a'), std::string(63, 'Z'), std::string(64, '-'),
                          std::string(32, ' '), std::string("\xe9") + std::string(31, 'a')})
        sanitize.emplace_back(hex(v));

    auto result = run(R"PY(
out = {
    "masked": [csrf._mask_cipher_secret(s) for s in data["secrets"]],
    "unmasked": [csrf._unmask_cipher_token(t) for t in data["tokens"]],
    "compare": [csrf._compare_masked_tokens(csrf._sanitize_token(unhex(a)), csrf._sanitize_token(unhex(b)))
                for a, b in data["pairs"]],
    "sanitize": [],
}
for h in data["sanitize"]:
    v = unhex(h)
    r = csrf._sanitize_token(v)
    if r == v: out["sanitize"].append(["same", r])
    elif len(v) == 32 and csrf._unmask_cipher_token(r) == v: out["sanitize"].append(["masked", r])
    else: out["sanitize"].append(["replaced", r])
print(json.dumps(out))
)PY",
                      json::object{{"secrets", secrets}, {"tokens", tokens}, {"pairs", pairs}, {"sanitize", sanitize}});
    if (!result) {
        WARN("skipping: /usr/bin/python3 with Django is not available");
        return;
    }
    const auto& masked = result->at("masked").as_array();
    const auto& unmasked = result->at("unmasked").as_array();
    REQUIRE(masked.size() == our_secrets.size());
    for (std::size_t i = 0; i < our_secrets.size(); ++i) {
        const std::string theirs(masked[i].as_string());
        INFO("secret " << our_secrets[i] << " Django token " << theirs);
        CHECK(csrf::is_valid_token(theirs));
        CHECK(csrf::unmask_token(theirs) == our_secrets[i]);              // we unmask Django's masking
        CHECK(std::string(unmasked[i].as_string()) == our_secrets[i]);    // Django unmasks ours
        CHECK(csrf::mask_secret(our_secrets[i], theirs.substr(0, 32)) == theirs);
    }
    const auto& compare = result->at("compare").as_array();
    REQUIRE(compare.size() == pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        auto a = warden_test::hex_decode(pairs[i].as_array()[0].as_string());
        auto b = warden_test::hex_decode(pairs[i].as_array()[1].as_string());
        INFO("pair " << i << ": " << a << " vs " << b);
        CHECK(csrf::tokens_match(a, b) == compare[i].as_bool());
    }
    const auto& san = result->at("sanitize").as_array();
    REQUIRE(san.size() == sanitize.size());
    for (std::size_t i = 0; i < san.size(); ++i) {
        auto input = warden_test::hex_decode(sanitize[i].as_string());
        const std::string kind(san[i].as_array()[0].as_string());
        auto ours = csrf::sanitize_token(input);
        INFO("input hex " << sanitize[i].as_string() << " Django: " << kind);
        if (kind == "same") CHECK(ours == input);
        else if (kind == "masked") CHECK((ours && csrf::unmask_token(*ours) == input));
        else CHECK_FALSE(ours);
    }
}

TEST_CASE("the reason strings are those of Django's csrf module", "[csrf][django]") {
    auto result = run(R"PY(
print(json.dumps({n: getattr(csrf, n) for n in dir(csrf) if n.startswith("REASON_")}))
)PY",
                      json::object{});
    if (!result) {
        WARN("skipping: /usr/bin/python3 with Django is not available");
        return;
    }
    const auto& r = result->as_object();
    CHECK(r.at("REASON_NO_REFERER").as_string() == csrf::reason_no_referer);
    CHECK(r.at("REASON_BAD_REFERER").as_string() == csrf::reason_bad_referer);
    CHECK(r.at("REASON_NO_CSRF_COOKIE").as_string() == csrf::reason_no_csrf_cookie);
    CHECK(r.at("REASON_BAD_TOKEN").as_string() == csrf::reason_bad_token);
    CHECK(r.at("REASON_MALFORMED_REFERER").as_string() == csrf::reason_malformed_referer);
    CHECK(r.at("REASON_INSECURE_REFERER").as_string() == csrf::reason_insecure_referer);
    // Django 3.2 has exactly these six; REASON_BAD_ORIGIN comes from 4.0.
    CHECK(r.size() == (r.contains("REASON_BAD_ORIGIN") ? 7u : 6u));
    if (r.contains("REASON_BAD_ORIGIN")) CHECK(r.at("REASON_BAD_ORIGIN").as_string() == csrf::reason_bad_origin);
}

TEST_CASE("Referer parsing agrees with Python's urlparse on hostile input", "[csrf][django]") {
    std::vector<std::string> urls = {
        "https://example.com/a/b;p;q?x=1#f", "  https://example.com/", "\x01https://example.com/",
        "https://exa\tmple.com/", "https://exa\nmple.com/", "HtTpS://Example.COM:8443/", "https:",
        "https://", "https:///x", "https:a.com", "//a.com/x", "1https://a.com/", "ht-tp+s.x://a/",
        "https://[::1]/", "https://[::1]:8443/", "https://[::1/", "https://::1]/", "https://[zz]/",
        "https://[127.0.0.1]/", "https://[v1.fe]/", "https://[v1.]/", "https://[vg.x]/", "https://[::1%eth0]/",
        "https://[::1%]/", "https://[::1]x/", "https://a@[::1]/", "https://a[@::1]/", "https://[::ffff:1.2.3.4]/",
        "https://[::ffff:01.2.3.4]/", "https://[1:2:3:4:5:6:7:8]/", "https://[1:2:3:4:5:6:7:8:9]/",
        "https://[1::2::3]/", "https://[:1:2:3:4:5:6:7]/", "https://[1:2:3:4:5:6:7::]/", "https://[::]/",
        "https://[12345::]/", "https://[1:2:3:4::5:6:7:8]/", "https://[1:2:3::4:5:6:7]/", "https://]@[::1]/", "https://a.com/p;", "https://a.com/p;;", "https://a.com/?",
        "https://a.com/#", "https://a.com?q", "https://a.com#f", "https://a.com;x", "https://\xe9.com/",
        "mailto:x@y", "javascript:alert(1)", "", " ", "null"};
    for (auto& u : fuzz_urls(400, 1234)) urls.push_back(u);
    json::array input;
    for (const auto& u : urls) input.emplace_back(hex(u));

    auto result = run(R"PY(
from urllib.parse import urlparse
out = []
for h in data:
    try:
        p = urlparse(unhex(h))
        out.append([True] + [tohex(x) for x in (p.scheme, p.netloc, p.path, p.params, p.query, p.fragment, p.geturl())])
    except ValueError:
        out.append([False])
print(json.dumps(out))
)PY",
                      input);
    if (!result) {
        WARN("skipping: /usr/bin/python3 with Django is not available");
        return;
    }
    const auto& rows = result->as_array();
    REQUIRE(rows.size() == urls.size());
    std::size_t failures_seen = 0;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        const auto& row = rows[i].as_array();
        csrf::detail::parsed_url u;
        const bool ok = csrf::detail::python_urlparse(urls[i], u);
        INFO("url hex " << hex(urls[i]));
        REQUIRE(ok == row[0].as_bool());
        if (!ok) {
            ++failures_seen;
            continue;
        }
        auto field = [&](int k) { return warden_test::hex_decode(row[static_cast<std::size_t>(k)].as_string()); };
        CHECK(u.scheme == field(1));
        CHECK(u.netloc == field(2));
        CHECK(u.path == field(3));
        CHECK(u.params == field(4));
        CHECK(u.query == field(5));
        CHECK(u.fragment == field(6));
        CHECK(csrf::detail::python_geturl(u) == field(7));
    }
    CHECK(failures_seen > 10); // the corpus does exercise Python's ValueError paths
}

TEST_CASE("the HTTPS Referer check agrees with Django 3.2's CsrfViewMiddleware", "[csrf][django]") {
    struct setup {
        std::vector<std::string> trusted;
        std::optional<std::string> cookie_domain;
    };
    const std::vector<setup> setups = {
        {{}, std::nullopt},
        {{"https://api.partner.com", "https://*.example.org"}, std::nullopt},
        {{}, ".example.com"},
        {{"https://*.example.org"}, "example.com"},
    };
    const std::vector<std::string> hosts = {"example.com", "example.com:8443", "www.example.com", "[::1]:8443"};
    const std::vector<std::string> ports = {"443", "8443"};
    std::vector<std::optional<std::string>> referers = {
        std::nullopt, "", "https://example.com/", "https://example.com", "https://example.com:8443/x",
        "https://www.example.com/p?q#f", "https://api.example.com/", "https://EXAMPLE.com/", "http://example.com/",
        "HTTPS://example.com/", "https://evil.com/a;?#", "https://example.com.evil.com/", "https://evilexample.com/",
        "https://api.partner.com/", "https://partner.com/", "https://a.example.org/", "https://example.org/",
        "https://badexample.org/", "https://[::1]:8443/", "https://[::1/", "https://user@example.com/",
        "//example.com/", "https:///x", "not a url", "https://example.com:443/", " https://example.com/",
        "https://exa\tmple.com/", "https://\xe9.example.org/"};
    for (auto& u : fuzz_urls(60, 99)) referers.push_back("https://" + u);

    struct case_t {
        std::size_t setup;
        std::string host, port;
        std::optional<std::string> referer;
    };
    std::vector<case_t> cases;
    json::array input;
    for (std::size_t s = 0; s < setups.size(); ++s)
        for (const auto& host : hosts)
            for (const auto& port : ports)
                for (const auto& referer : referers) {
                    cases.push_back({s, host, port, referer});
                    json::array trusted;
                    for (const auto& t : setups[s].trusted) trusted.emplace_back(t);
                    json::value cookie_domain = nullptr;
                    if (setups[s].cookie_domain) cookie_domain = json::string(*setups[s].cookie_domain);
                    json::value ref = nullptr;
                    if (referer) ref = json::string(hex(*referer));
                    input.push_back(json::object{{"trusted", trusted}, {"cookie_domain", cookie_domain},
                                                 {"host", host}, {"port", port}, {"referer", ref}});
                }

    auto result = run(R"PY(
from urllib.parse import urlparse
from django.test import RequestFactory, override_settings
rf = RequestFactory()
mw = csrf.CsrfViewMiddleware(lambda request: None)
mw._reject = lambda request, reason: reason
def view(request): pass
out = []
for c in data:
    # Django 3.2 takes trusted hosts; this is Django 4.0's mapping of its origins to them.
    hosts = [urlparse(o).netloc.lstrip("*") for o in c["trusted"]]
    with override_settings(CSRF_TRUSTED_ORIGINS=hosts, CSRF_COOKIE_DOMAIN=c["cookie_domain"]):
        extra = {"secure": True, "HTTP_HOST": c["host"], "SERVER_PORT": c["port"]}
        if c["referer"] is not None: extra["HTTP_REFERER"] = unhex(c["referer"])
        try:
            r = mw.process_view(rf.post("/", **extra), view, (), {})
        except ValueError:
            r = "ValueError"
    out.append("OK" if r == csrf.REASON_NO_CSRF_COOKIE else tohex(r))
print(json.dumps(out))
)PY",
                      input);
    if (!result) {
        WARN("skipping: /usr/bin/python3 with Django is not available");
        return;
    }
    const auto& rows = result->as_array();
    REQUIRE(rows.size() == cases.size());
    std::size_t accepted = 0, value_errors = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        csrf::config cfg;
        cfg.check_origin_header = false; // Django 3.2
        for (const auto& t : setups[c.setup].trusted) REQUIRE_FALSE(cfg.trusted.add(t));
        cfg.cookie_domain = setups[c.setup].cookie_domain;
        csrf::request_facts r{.is_secure = true, .host = c.host, .server_port = c.port};
        if (c.referer) r.referer = *c.referer;
        auto v = csrf::check_origin_and_referer(r, cfg);
        const std::string theirs(rows[i].as_string());
        INFO("setup " << c.setup << " host " << c.host << " port " << c.port << " referer hex "
                      << (c.referer ? hex(*c.referer) : "(none)"));
        if (theirs == "OK") {
            ++accepted;
            CHECK(v.ok());
        } else if (theirs == hex("ValueError")) {
            // Django 3.2 lets urlparse's ValueError escape (a 500); 4.0 answers "malformed".
            ++value_errors;
            CHECK(v.code == csrf::failure::malformed_referer);
        } else {
            CHECK(hex(v.reason) == theirs);
        }
    }
    CHECK(accepted > 50);
    CHECK(value_errors > 0);
}
