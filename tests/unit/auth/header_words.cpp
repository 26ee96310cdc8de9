// The Authorization word split (Python's bytes.split()) and the token key check scan
// eight bytes per step; these compare them with the byte-at-a-time definitions on inputs
// that put every kind of byte at every offset of a word.
#include <warden/auth/detail/header_words.hpp>
#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace {

// bytes.split() written out: runs of the six ASCII whitespace bytes separate words.
std::vector<std::string_view> python_split(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && space(s[i])) ++i;
        std::size_t b = i;
        while (i < s.size() && !space(s[i])) ++i;
        if (i > b) words.push_back(s.substr(b, i - b));
    }
    return words;
}

bool lowercase_hex_key(std::string_view k) {
    if (k.size() != 40) return false;
    for (char c : k)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

TEST_CASE("the Authorization split agrees with bytes.split() for every byte at every offset", "[auth][header]") {
    // Spaces, bytes just around them (0x08, 0x0e, 0x1f, 0x21), NUL, DEL, non-ASCII.
    const std::string probes = std::string(" \t\n\r\v\f\x08\x0e\x1f!\x7f\x80\xff", 13) + std::string(1, '\0');
    const std::string word = "Token0123456789abcdef0123456789abcdef";
    for (char probe : probes) {
        for (std::size_t at = 0; at <= word.size(); ++at) {
            std::string value = word;
            value.insert(at, 1, probe);
            value += " tail";
            const auto expected = python_split(value);
            const auto got = warden::detail::split_header_words(value);
            INFO("byte " << static_cast<int>(static_cast<unsigned char>(probe)) << " at " << at);
            CHECK(got.count == (expected.size() > 3 ? 3 : expected.size()));
            if (!expected.empty()) CHECK(got.first == expected[0]);
            if (expected.size() > 1) CHECK(got.second == expected[1]);
        }
    }
}

TEST_CASE("the token key check agrees with its byte-at-a-time definition", "[auth][token]") {
    const std::string key = "0123456789abcdef0123456789abcdef01234567";
    CHECK(warden::token::is_well_formed_key(key));
    for (std::size_t at = 0; at < key.size(); ++at) {
        for (int b = 0; b < 256; ++b) {
            std::string k = key;
            k[at] = static_cast<char>(b);
            INFO("byte " << b << " at " << at);
            CHECK(warden::token::is_well_formed_key(k) == lowercase_hex_key(k));
        }
    }
    CHECK_FALSE(warden::token::is_well_formed_key(key.substr(1)));
    CHECK_FALSE(warden::token::is_well_formed_key(key + "0"));
}
