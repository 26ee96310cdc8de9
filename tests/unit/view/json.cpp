// The json({...}) response builder: escaping (the eight-bytes-per-step scan included),
// invalid UTF-8, nesting, numbers; checked against Boost.JSON's serializer.
#include <warden/core/json.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>

using namespace warden;

namespace {

std::string body_of(std::initializer_list<json_member> members) { return json(members).body(); }

// What Boost.JSON writes for {"k": s}.
std::string boost_text(const std::string& s) { return boost::json::serialize(boost::json::object{{"k", s}}); }

} // namespace

TEST_CASE("json() writes objects, arrays, numbers and literals", "[view][json]") {
    boost::json::value v = boost::json::parse(R"({"a":[1,2]})");
    CHECK(body_of({{"username", "alice"}, {"email", "alice@example.com"}}) ==
          R"({"username":"alice","email":"alice@example.com"})");
    CHECK(body_of({}) == "{}");
    CHECK(body_of({{"", ""}}) == R"({"":""})");
    CHECK(body_of({{"k", std::string_view{}}}) == R"({"k":""})");   // an empty view with a null pointer
    CHECK(body_of({{"n", 42}, {"neg", -7}, {"u", 18446744073709551615u}, {"d", 1.5}, {"t", true}, {"f", false}, {"z", nullptr}}) ==
          R"({"n":42,"neg":-7,"u":18446744073709551615,"d":1.5,"t":true,"f":false,"z":null})");
    CHECK(body_of({{"inner", {{"x", 1}, {"y", "two"}}}, {"list", json_array({1, "b", nullptr})}, {"v", v}}) ==
          R"({"inner":{"x":1,"y":"two"},"list":[1,"b",null],"v":{"a":[1,2]}})");
    CHECK(json({{"k", 1}}, http::status::created).status() == http::status::created);
}

TEST_CASE("json() escapes keys and values at any position", "[view][json]") {
    // The special byte before, on and after the eight-byte boundaries of the scan.
    for (std::size_t at = 0; at < 20; ++at) {
        for (char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f'}) {
            std::string s(20, 'a');
            s[at] = special;
            INFO("position " << at << ", byte " << int(special));
            CHECK(body_of({{"k", s}}) == boost_text(s));
            CHECK(body_of({{s, 1}}) == boost::json::serialize(boost::json::object{{s, 1}}));
        }
    }
    CHECK(body_of({{"k", "tab\there \"q\" back\\slash \b\f\r"}}) == R"({"k":"tab\there \"q\" back\\slash \b\f\r"})");
    CHECK(body_of({{"k", std::string_view("nul\0x", 5)}}) == R"({"k":"nul\u0000x"})");
}

TEST_CASE("json() keeps valid UTF-8 and replaces invalid bytes with U+FFFD", "[view][json]") {
    CHECK(body_of({{"k", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 long enough to span words"}}) ==
          "{\"k\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 long enough to span words\"}");
    CHECK(body_of({{"k", "abcdefgh\xFFijk"}}) == "{\"k\":\"abcdefgh\xEF\xBF\xBDijk\"}");
    CHECK(body_of({{"k", "\xC3"}}) == "{\"k\":\"\xEF\xBF\xBD\"}");                   // truncated sequence
    CHECK(body_of({{"k", "\xED\xA0\x80"}}) == "{\"k\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}");   // a surrogate
}

TEST_CASE("json() agrees with Boost.JSON on random valid strings", "[view][json]") {
    std::mt19937 rng(20261128);
    const std::string pieces[] = {"a", "Z", "0", " ", "@", "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "/",
                                  "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1), length(0, 40);
    for (int n = 0; n < 2000; ++n) {
        std::string s;
        for (std::size_t k = length(rng); k > 0; --k) s += pieces[pick(rng)];
        INFO(s);
        REQUIRE(body_of({{"k", s}}) == boost_text(s));
    }
}
