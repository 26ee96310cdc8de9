#include "support.hpp"

#include <warden/crypto/hmac.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using warden::crypto::hmac;
using warden::crypto::hmac_hash;
using warden_test::hex_decode;

namespace {

std::string mac_hex(const hmac& m, std::string_view msg) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : m.compute(msg)) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

} // namespace

TEST_CASE("hmac matches the RFC 4231 vectors for SHA-256, SHA-384 and SHA-512", "[crypto][hmac]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    int checked = 0;
    for (const auto& tc : doc->at("rfc4231").as_array()) {
        auto key = hex_decode(tc.at("key_hex").as_string());
        auto data = hex_decode(tc.at("data_hex").as_string());
        std::string want256 = warden_test::as_string(tc.at("sha256"));
        if (want256.size() != 64) continue; // test case 5 is truncated: not a full MAC
        CHECK(mac_hex(hmac(hmac_hash::sha256, key), data) == want256);
        CHECK(mac_hex(hmac(hmac_hash::sha384, key), data) == warden_test::as_string(tc.at("sha384")));
        CHECK(mac_hex(hmac(hmac_hash::sha512, key), data) == warden_test::as_string(tc.at("sha512")));
        ++checked;
    }
    CHECK(checked == 6);
}

TEST_CASE("hmac gives every Wycheproof HMAC-SHA2 verdict for full-length tags", "[crypto][hmac][wycheproof]") {
    struct file {
        const char* name;
        hmac_hash hash;
    };
    for (auto [name, hash] : {file{"hmac_sha256_test.json", hmac_hash::sha256}, file{"hmac_sha384_test.json", hmac_hash::sha384},
                              file{"hmac_sha512_test.json", hmac_hash::sha512}}) {
        WARDEN_SHARED_JSON_OR_SKIP(doc, std::string("vectors/wycheproof/") + name);
        int valid = 0, invalid = 0;
        for (const auto& g : doc->at("testGroups").as_array()) {
            // Truncated tags are not HMAC as JWS uses it; every key size is (the JWS
            // minimum key length is a policy of jwt::key, tested there).
            if (g.at("tagSize").to_number<std::size_t>() != 8 * warden::crypto::digest_size(hash)) continue;
            for (const auto& t : g.at("tests").as_array()) {
                hmac m(hash, hex_decode(t.at("key").as_string()));
                bool ok = m.verify(hex_decode(t.at("msg").as_string()), hex_decode(t.at("tag").as_string()));
                INFO(name << " tcId " << t.at("tcId").as_int64());
                CHECK(ok == (t.at("result").as_string() == "valid"));
                (ok ? valid : invalid) += 1;
            }
        }
        CHECK(valid > 10);
        CHECK(invalid > 10);
    }
}

TEST_CASE("hmac accepts an empty key and rejects tags of the wrong length", "[crypto][hmac]") {
    hmac m(hmac_hash::sha256, "");
    // HMAC-SHA256 with an empty key over an empty message (well-known value).
    CHECK(mac_hex(m, "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    auto tag = m.compute("x");
    CHECK(m.verify("x", tag));
    CHECK_FALSE(m.verify("x", tag.substr(0, 31)));
    CHECK_FALSE(m.verify("x", tag + "0"));
    CHECK_FALSE(m.verify("y", tag));
}

TEST_CASE("hmac computes into a caller buffer and reports size and hash", "[crypto][hmac]") {
    hmac m(hmac_hash::sha384, "k");
    CHECK(m.size() == 48);
    CHECK(m.hash() == hmac_hash::sha384);
    unsigned char out[hmac::max_size];
    REQUIRE_FALSE(m.compute("abc", out));
    CHECK(std::string(reinterpret_cast<char*>(out), 48) == m.compute("abc"));
    hmac moved = std::move(m);
    CHECK(moved.valid());
    CHECK_FALSE(m.valid()); // NOLINT(bugprone-use-after-move): the moved-from state is specified
    CHECK(m.compute("abc", out));
}

TEST_CASE("one hmac object serves many threads at once with correct results", "[crypto][hmac]") {
    const hmac m(hmac_hash::sha256, "a shared key of thirty-two bytes!");
    std::vector<std::string> expected;
    for (int i = 0; i < 64; ++i) expected.push_back(m.compute("message " + std::to_string(i)));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    // More threads than pool slots, so the "all slots busy" path runs too.
    for (int t = 0; t < 24; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 300; ++round) {
                int i = (t * 7 + round) % 64;
                if (!m.verify("message " + std::to_string(i), expected[static_cast<std::size_t>(i)])) ++failures;
                if (m.verify("message " + std::to_string(i + 1), expected[static_cast<std::size_t>(i)])) ++failures;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
}
