// The CORS settings' regular expressions: Python's re.match semantics on the subset they
// use, cross-checked against Python itself, refused syntax, and linear time.
#include <warden/app/detail/regex.hpp>

#include <support/python.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using warden::detail::origin_regex;

namespace {

struct example {
    const char* pattern;
    const char* text;
    bool matches;
};

// Python's answers (re.match(pattern, text) is not None), by hand.
const example examples[] = {
    {R"(^https://\w+\.example\.com$)", "https://api.example.com", true},
    {R"(^https://\w+\.example\.com$)", "https://api.example.com.evil.net", false},
    {R"(^https://\w+\.example\.com$)", "https://.example.com", false},
    {R"(https://example\.com)", "https://example.com.evil.net", true},   // re.match anchors the start only
    {R"(https://example\.com)", "xhttps://example.com", false},
    {R"(^http://127\.0\.0\.1:\d+$)", "http://127.0.0.1:8000", true},
    {R"(^http://127\.0\.0\.1:\d+$)", "http://127.0.0.1:", false},
    {R"(^http://127\.0\.0\.1:\d+$)", "http://127.0.0.1:80\n", true},       // `$` before a final newline
    {R"(^http://127\.0\.0\.1:\d+\Z)", "http://127.0.0.1:80\n", false},     // `\Z`: the very end
    {R"(^https?://(www\.)?example\.(com|org)$)", "http://example.org", true},
    {R"(^https?://(www\.)?example\.(com|org)$)", "https://www.example.com", true},
    {R"(^https?://(www\.)?example\.(com|org)$)", "https://www.example.net", false},
    {R"(^https://[a-z0-9-]+\.example\.com$)", "https://my-app-2.example.com", true},
    {R"(^https://[a-z0-9-]+\.example\.com$)", "https://My.example.com", false},
    {R"(^https://[^.]+\.example\.com$)", "https://a.b.example.com", false},
    {R"(^a{2,3}$)", "aaa", true},
    {R"(^a{2,3}$)", "aaaa", false},
    {R"(^a{2}$)", "aa", true},
    {R"(^a{2,}$)", "aaaaa", true},
    {R"(^(?:ab)+c$)", "ababc", true},
    {R"(^.*$)", "", true},
    {R"(^/api/.*$)", "/api/notes/", true},
    {R"(^/api/.*$)", "/apix/", false},
    {R"(^/api/.*?$)", "/api/", true},
    {R"(a|b|)", "", true},
    {R"(\.)", "x", false},
    {R"([\]a-])", "-", true},
    {R"([]])", "]", true},
    {R"(a{,2}b)", "ab", true},
    {R"(a{x})", "a{x}", true},   // not a count: literal braces, as in Python
    {R"(\s\S\d\D\w\W)", " x1a_!", true},
};

} // namespace

TEST_CASE("patterns match as Python's re.match does", "[app][regex]") {
    for (const auto& e : examples) {
        INFO(e.pattern << " on " << e.text);
        CHECK(origin_regex(e.pattern).match(e.text) == e.matches);
    }
}

TEST_CASE("patterns agree with Python's re module", "[app][regex][python]") {
    if (!warden_test::python_has("re")) {
        WARN("skipped: /usr/bin/python3 is not available");
        return;
    }
    std::vector<std::string> patterns;
    std::vector<std::string> texts = {"", "https://api.example.com", "http://127.0.0.1:8000", "http://localhost:3000",
                                      "https://a.b.example.com", "null", "/api/notes/", "/static/app.js", "aaab",
                                      "abab", "x\n", "https://EXAMPLE.com", "https://example.com:443/"};
    for (const auto& e : examples) {
        patterns.emplace_back(e.pattern);
        texts.emplace_back(e.text);
    }
    for (const char* p : {R"(^https?://localhost(:\d+)?$)", R"(^http://127\.0\.0\.1:(8000|3000)$)", R"(^(a|ab)*b$)",
                          R"(^(a*)*$)", R"([^a-z]+)", R"(^.{3,5}$)", R"(^https://.*\.example\.com$)", R"(^\w+:)",
                          R"(^/(api|static)/[\w./-]*$)", R"(^$)", R"(example)"})
        patterns.emplace_back(p);
    boost::json::array ps, ts;
    for (auto& p : patterns) ps.emplace_back(p);
    for (auto& t : texts) ts.emplace_back(t);
    const char* script = R"(
import json, re, sys
d = json.load(open(sys.argv[1]))
print(json.dumps([[re.match(p, t) is not None for t in d["texts"]] for p in d["patterns"]]))
)";
    boost::json::value out = warden_test::run_python_json(script, {{"patterns", ps}, {"texts", ts}});
    REQUIRE(out.is_array());
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        origin_regex re(patterns[i]);
        for (std::size_t k = 0; k < texts.size(); ++k) {
            INFO(patterns[i] << " on " << boost::json::serialize(boost::json::value(texts[k])));
            CHECK(re.match(texts[k]) == out.as_array()[i].as_array()[k].as_bool());
        }
    }
}

TEST_CASE("syntax outside the subset is refused when the pattern compiles, with a message", "[app][regex]") {
    for (const char* p : {"(", "a)", "[a-", "[z-a]", "*a", "a**", "a{3,1}", "(?i)a", "(?=a)", "(?P<n>a)", R"(\1)",
                          R"(\b)", "\\", "^*", "a{101}", R"((a|b)++)"}) {
        INFO(p);
        CHECK_THROWS_AS(origin_regex(p), std::invalid_argument);
    }
    try {
        origin_regex("(?i)example");
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).find("regular expression \"(?i)example\"") != std::string::npos);
    }
}

TEST_CASE("matching takes linear time on patterns that make backtracking matchers explode", "[app][regex]") {
    // (a*)*b on "aaaa...c": exponential for a backtracking matcher, one pass here.
    const std::string run(100000, 'a');
    origin_regex re(R"(^(a*)*b$)");
    CHECK_FALSE(re.match(run + 'c'));
    origin_regex nested(R"(^(a|aa)+$)");
    CHECK(nested.match(run));
    CHECK_FALSE(nested.match(run + '!'));
}
