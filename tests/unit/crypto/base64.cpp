#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>

#include <catch2/catch.hpp>

using namespace warden::crypto;

TEST_CASE("base64url round-trips every length without padding", "[crypto][base64]") {
    std::string bytes;
    for (int n = 0; n < 70; ++n) {
        auto enc = base64url_encode(bytes);
        CHECK(enc.find('=') == std::string::npos);
        std::string dec;
        REQUIRE_FALSE(base64url_decode(enc, dec));
        CHECK(dec == bytes);
        bytes.push_back(static_cast<char>(n * 37 + 250));
    }
}

TEST_CASE("base64url matches RFC 4648 test vectors", "[crypto][base64]") {
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64_encode("\xfb\xff") == "+/8=");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
}

TEST_CASE("strict base64url rejects padding, the standard alphabet and loose bits", "[crypto][base64]") {
    std::string out;
    for (std::string_view bad : {"Zg==", "Zg=", "+_8", "-/8", "Z g", "Zh", "Zm9", "Z", "Zm9vY", "Zg\n", "\xc3\xa9"})
        CHECK(base64url_decode(bad, out) == errc::bad_base64);
    CHECK_FALSE(base64url_decode("Zm8", out));
    CHECK(out == "fo");
}

TEST_CASE("strict base64 requires canonical padding", "[crypto][base64]") {
    std::string out;
    for (std::string_view bad : {"Zg", "Zg=", "Zh==", "Zm9vYmE", "Zm9=vYmE", "====", "Zm9v\n", "-_8="})
        CHECK(base64_decode(bad, out) == errc::bad_base64);
    REQUIRE_FALSE(base64_decode("YWxpY2U6YWxpY2UtcGFzcw==", out));
    CHECK(out == "alice:alice-pass");
    REQUIRE_FALSE(base64_decode("", out));
    CHECK(out.empty());
}

TEST_CASE("constant_time_equal compares content and length", "[crypto][compare]") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "ab"));
    CHECK(constant_time_equal("", ""));
    CHECK_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}
