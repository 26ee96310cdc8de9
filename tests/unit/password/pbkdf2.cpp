#include <warden/crypto/pbkdf2.hpp>

#include <support/shared_data.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace warden::crypto;
using warden_test::hex_decode;
using warden_test::shared_json;

namespace {

std::string derive(hash_algorithm prf, std::string_view password, std::string_view salt, std::uint32_t iterations,
                   std::size_t length) {
    std::vector<unsigned char> dk(length);
    auto ec = pbkdf2_hmac(prf, password, salt, iterations, dk);
    REQUIRE_FALSE(ec);
    return to_hex(std::span<const unsigned char>(dk));
}

// The vectors' objects: {P, S, c, dkLen, DK}.
void check_rfc_vectors(const boost::json::value& list, hash_algorithm prf) {
    REQUIRE(list.is_array());
    REQUIRE_FALSE(list.as_array().empty());
    for (const auto& v : list.as_array()) {
        const auto& o = v.as_object();
        const auto iterations = static_cast<std::uint32_t>(o.at("c").to_number<std::int64_t>());
        const auto length = static_cast<std::size_t>(o.at("dkLen").to_number<std::int64_t>());
        INFO("P=" << o.at("P") << " S=" << o.at("S") << " c=" << iterations);
        CHECK(derive(prf, o.at("P").as_string(), o.at("S").as_string(), iterations, length) ==
              warden_test::as_string(o.at("DK")));
    }
}

// Every test of a Wycheproof PBKDF2 file: valid results must be reproduced exactly,
// invalid ones must not be (the current files hold only valid ones).
void check_wycheproof(std::string_view file, hash_algorithm prf) {
    auto doc = shared_json(std::string("vectors/wycheproof/") + std::string(file));
    if (!doc) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/wycheproof/" << file << " is absent");
        return;
    }
    std::size_t seen = 0;
    for (const auto& group : doc->at("testGroups").as_array()) {
        for (const auto& t : group.at("tests").as_array()) {
            const auto& o = t.as_object();
            ++seen;
            INFO(file << " tcId " << o.at("tcId"));
            const std::string password = hex_decode(o.at("password").as_string());
            const std::string salt = hex_decode(o.at("salt").as_string());
            const auto iterations = o.at("iterationCount").to_number<std::int64_t>();
            const auto length = o.at("dkLen").to_number<std::int64_t>();
            const std::string result(o.at("result").as_string());
            std::vector<unsigned char> dk(static_cast<std::size_t>(length > 0 ? length : 1));
            auto ec = iterations > 0 && length > 0
                          ? pbkdf2_hmac(prf, password, salt, static_cast<std::uint32_t>(iterations), dk)
                          : std::make_error_code(std::errc::invalid_argument);
            const bool same = !ec && to_hex(std::span<const unsigned char>(dk)) == warden_test::as_string(o.at("dk"));
            if (result == "valid") CHECK(same);
            else if (result == "invalid") CHECK_FALSE(same);
        }
    }
    CHECK(seen == static_cast<std::size_t>(doc->at("numberOfTests").to_number<std::int64_t>()));
}

} // namespace

TEST_CASE("pbkdf2 reproduces the RFC 7914 and RFC 6070 vectors", "[crypto][pbkdf2]") {
    auto doc = shared_json("vectors/rfc_and_django_vectors.json");
    if (!doc) {
        WARN("skipping: " << WARDEN_SHARED_DIR << "/vectors/rfc_and_django_vectors.json is absent");
        return;
    }
    check_rfc_vectors(doc->at("rfc7914_pbkdf2_sha256"), hash_algorithm::sha256);
    check_rfc_vectors(doc->at("rfc6070_pbkdf2_sha1_sample"), hash_algorithm::sha1);
}

TEST_CASE("pbkdf2-hmac-sha256 gets every Wycheproof verdict right", "[crypto][pbkdf2]") {
    check_wycheproof("pbkdf2_hmacsha256_test.json", hash_algorithm::sha256);
}

TEST_CASE("pbkdf2-hmac-sha512 gets every Wycheproof verdict right", "[crypto][pbkdf2]") {
    check_wycheproof("pbkdf2_hmacsha512_test.json", hash_algorithm::sha512);
}

TEST_CASE("pbkdf2 accepts empty passwords and salts, as RFC 8018 does", "[crypto][pbkdf2]") {
    // Computed with Python's hashlib.pbkdf2_hmac('sha256', b'', b'', 1, 32).
    CHECK(derive(hash_algorithm::sha256, "", "", 1, 32) ==
          "f7ce0b653d2d72a4108cf5abe912ffdd777616dbbb27a70e8204f3ae2d0f6fad");
    CHECK(derive(hash_algorithm::sha256, "", "salt", 2, 16).size() == 32);
}

TEST_CASE("pbkdf2 rejects out-of-range arguments with invalid_argument", "[crypto][pbkdf2]") {
    std::array<unsigned char, 32> dk{};
    CHECK(pbkdf2_hmac(hash_algorithm::sha256, "p", "s", 0, dk) == std::errc::invalid_argument);
    CHECK(pbkdf2_hmac(hash_algorithm::sha256, "p", "s", pbkdf2_max_iterations + 1u, dk) ==
          std::errc::invalid_argument);
    CHECK(pbkdf2_hmac(hash_algorithm::sha256, "p", "s", 1, std::span<unsigned char>{}) ==
          std::errc::invalid_argument);
    CHECK(pbkdf2_hmac(static_cast<hash_algorithm>(99), "p", "s", 1, dk) == std::errc::invalid_argument);
}

TEST_CASE("pbkdf2 output depends on the password, salt, count and hash", "[crypto][pbkdf2]") {
    const auto base = derive(hash_algorithm::sha256, "password", "salt", 3, 32);
    CHECK(derive(hash_algorithm::sha256, "passwore", "salt", 3, 32) != base);
    CHECK(derive(hash_algorithm::sha256, "password", "salu", 3, 32) != base);
    CHECK(derive(hash_algorithm::sha256, "password", "salt", 4, 32) != base);
    CHECK(derive(hash_algorithm::sha512, "password", "salt", 3, 32) != base);
    // A longer key starts with the shorter one (first block identical).
    CHECK(derive(hash_algorithm::sha256, "password", "salt", 3, 40).substr(0, 64) == base);
}
