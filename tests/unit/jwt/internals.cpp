// The verify path's internals: Python-compatible JSON output, and no allocation once
// warm.
#include "support.hpp"

#include <warden/crypto/base64.hpp>
#include <warden/crypto/random.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/simplejwt.hpp>

#include <support/counting_new.hpp>

#include <catch2/catch.hpp>

using namespace warden::jwt;
using warden_test::heap_allocations;

TEST_CASE("claims serialize exactly as Python's json.dumps with compact separators", "[jwt][internals][json]") {
    auto dump = [](const std::string& json) {
        std::string out;
        REQUIRE_FALSE(detail::py_dump(boost::json::parse(json), out));
        return out;
    };
    CHECK(dump(R"({"b":1,"a":[true,false,null],"c":{}})") == R"({"b":1,"a":[true,false,null],"c":{}})");
    CHECK(dump(R"({"s":"Zo\u00eb \ud83d\ude00 \u2028"})") == R"({"s":"Zo\u00eb \ud83d\ude00 \u2028"})");
    CHECK(dump(R"(["\u0001\t\"\\/\u007f"])") == R"(["\u0001\t\"\\/\u007f"])");
    CHECK(dump("[0.1, 1e16, 1.2345e22, 1.5e-5, 0.0001, -0.0, 3.0, 1e15, 123456.789, 5e-324]") ==
          "[0.1,1e+16,1.2345e+22,1.5e-05,0.0001,-0.0,3.0,1000000000000000.0,123456.789,5e-324]");
    CHECK(dump("[18446744073709551615, -9223372036854775808]") == "[18446744073709551615,-9223372036854775808]");
    std::string out;
    CHECK(detail::py_dump(boost::json::value(std::nan("")), out) == errc::bad_json);
    out.clear();
    CHECK(detail::py_dump(boost::json::value("\xff"), out) == errc::bad_json);
}

TEST_CASE("verifying an access token does not allocate once warm", "[jwt][internals][speed]") {
    settings cfg;
    cfg.signing_key = "allocation test signing key, long enough";
    token_backend backend{cfg};
    auto now = std::chrono::system_clock::now();
    std::string raw = backend.encode(token::for_user(token_type::access, 7, cfg, now));
    claims c;
    REQUIRE_FALSE(backend.validate(raw, token_type::access, c, now)); // warms per-thread buffers
    std::size_t before = heap_allocations;
    for (int i = 0; i < 100; ++i) {
        claims fresh;
        if (backend.validate(raw, token_type::access, fresh, now)) FAIL("token did not validate");
    }
    std::size_t used = heap_allocations - before;
    CHECK(used == 0);
}
