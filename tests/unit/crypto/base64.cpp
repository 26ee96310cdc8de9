#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/random.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

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

namespace {
// A deliberately plain strict decoder: the specification, one character at a time.
bool reference_decode(std::string_view in, std::string_view alphabet, std::string& out) {
    out.clear();
    if (in.size() % 4 == 1) return false;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        auto d = alphabet.find(c);
        if (d == std::string_view::npos) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return bits == 0 || (acc & ((1u << bits) - 1)) == 0;
}
} // namespace

TEST_CASE("base64url decoding agrees with a plain reference decoder on random inputs", "[crypto][base64]") {
    const std::string url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::string noise = url + "+/= .\xc3";
    unsigned char rnd[4096];
    int accepted = 0, refused = 0;
    for (int round = 0; round < 60; ++round) {
        REQUIRE_FALSE(random_bytes(rnd));
        for (std::size_t at = 0; at + 24 <= sizeof rnd; at += 24) {
            std::size_t len = rnd[at] % 23;
            std::string in;
            // Mostly valid characters, sometimes others, so both outcomes are common.
            for (std::size_t i = 0; i < len; ++i) in.push_back(noise[rnd[at + 1 + i] % (rnd[at] & 1 ? noise.size() : 64)]);
            std::string want, got = "stale";
            bool ok_ref = reference_decode(in, url, want);
            bool ok = !base64url_decode(in, got);
            INFO("input '" << in << "'");
            REQUIRE(ok == ok_ref);
            if (ok_ref) CHECK(got == want);
            else CHECK(got.empty());
            (ok_ref ? accepted : refused) += 1;
        }
    }
    CHECK(accepted > 1000);
    CHECK(refused > 1000);
}
