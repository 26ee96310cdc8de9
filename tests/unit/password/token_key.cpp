#include <warden/token/key.hpp>

#include <support/shared_data.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace warden;

TEST_CASE("generated keys are 40 lowercase hex characters and all differ", "[token][key]") {
    std::set<std::string> keys;
    for (int i = 0; i < 200; ++i) {
        auto key = token::generate_key();
        REQUIRE(key.size() == 40);
        CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(token::is_well_formed_key(key));
        keys.insert(key);
    }
    CHECK(keys.size() == 200);
    std::string out;
    REQUIRE_FALSE(token::generate_key(out));
    CHECK(token::is_well_formed_key(out));
}

TEST_CASE("only 40 lowercase hex characters are well-formed keys", "[token][key]") {
    CHECK(token::is_well_formed_key("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"));
    CHECK_FALSE(token::is_well_formed_key("9944B09199C62BCF9418AD846DD0E4BBDFC6EE4B"));
    CHECK_FALSE(token::is_well_formed_key("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4"));
    CHECK_FALSE(token::is_well_formed_key("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4bb"));
    CHECK_FALSE(token::is_well_formed_key("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4g"));
    CHECK_FALSE(token::is_well_formed_key("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4 "));
    CHECK_FALSE(token::is_well_formed_key(std::string("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4\0", 40)));
    CHECK_FALSE(token::is_well_formed_key(""));
    CHECK_FALSE(token::is_well_formed_key("\xff\xfe"));
    static_assert(token::is_well_formed_key("0123456789abcdef0123456789abcdef01234567"));
}

TEST_CASE("the stored digest is SHA-256 of the key's text, in bytes and hex", "[token][key]") {
    // sha256("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"), computed with Python's hashlib.
    const std::string key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b";
    auto hex = token::digest_key_hex(key);
    CHECK(std::string_view(hex.data(), hex.size()) ==
          "5cc1e9113bbaa7040c4e0fbe80ea6aa743e34add380c596abe5fe584ece883ec");
    CHECK(crypto::to_hex(token::digest_key(key)) == std::string_view(hex.data(), hex.size()));
    CHECK(token::digest_key(key) == crypto::sha256(key));
}

TEST_CASE("knox's digest idea: the vectors' SHA-512 hex of a token reproduces", "[token][key]") {
    auto doc = warden_test::shared_json("vectors/rfc_and_django_vectors.json");
    if (!doc) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/rfc_and_django_vectors.json is absent");
        return;
    }
    const auto& knox = doc->at("knox_digest_derived").as_object();
    CHECK(crypto::to_hex(crypto::sha512(knox.at("token").as_string())) == warden_test::as_string(knox.at("sha512_hex")));
}

TEST_CASE("key_matches accepts only the key of the stored digest", "[token][key]") {
    const auto key = token::generate_key();
    const auto stored = token::digest_key(key);
    CHECK(token::key_matches(key, stored));
    auto other = key;
    other[39] = other[39] == '0' ? '1' : '0';
    CHECK_FALSE(token::key_matches(other, stored));
    CHECK_FALSE(token::key_matches("", stored));
    CHECK_FALSE(token::key_matches(crypto::to_hex(stored), stored)); // the digest is not a key
}
