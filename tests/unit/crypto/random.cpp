#include <warden/crypto/random.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <set>

using namespace warden::crypto;

TEST_CASE("random_string draws only from the alphabet, with every character used", "[crypto][random]") {
    const std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    auto s = random_string(4000, alphabet);
    REQUIRE(s.size() == 4000);
    std::set<char> seen(s.begin(), s.end());
    CHECK(seen.size() == alphabet.size());
    for (char c : s) CHECK(alphabet.find(c) != std::string_view::npos);
}

TEST_CASE("random values differ between calls", "[crypto][random]") {
    CHECK(random_hex(20) != random_hex(20));
    CHECK(random_hex(20).size() == 40);
    CHECK(random_string(32, "ab") != random_string(32, "ab"));
}

TEST_CASE("random_string rejects a degenerate alphabet", "[crypto][random]") {
    CHECK_THROWS_AS(random_string(4, "a"), std::invalid_argument);
}

TEST_CASE("random_bytes fills the whole span", "[crypto][random]") {
    std::array<unsigned char, 300> a{}, b{};
    REQUIRE_FALSE(random_bytes(a));
    REQUIRE_FALSE(random_bytes(b));
    CHECK(a != b);
}
