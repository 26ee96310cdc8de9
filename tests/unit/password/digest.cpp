#include <warden/crypto/digest.hpp>

#include <catch2/catch.hpp>
#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace warden::crypto;

namespace {

// Counts OpenSSL's heap allocations. CRYPTO_set_mem_functions works only before
// OpenSSL's first allocation, hence a static initializer; if it loses that race the
// allocation test skips with a message.
std::atomic<long> openssl_allocations{0};
void* counting_malloc(std::size_t n, const char*, int) {
    openssl_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n);
}
void* counting_realloc(void* p, std::size_t n, const char*, int) {
    openssl_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, n);
}
void counting_free(void* p, const char*, int) { std::free(p); }
const bool counting_installed = CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free) == 1;

template <std::size_t N>
std::string hex(const std::array<unsigned char, N>& d) {
    auto h = hex_array(d);
    return {h.data(), h.size()};
}

} // namespace

TEST_CASE("sha256 matches the FIPS 180-2 examples", "[crypto][digest]") {
    CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex(sha256(std::string(1000000, 'a'))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha512 matches the FIPS 180-2 examples", "[crypto][digest]") {
    CHECK(hex(sha512("abc")) ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(hex(sha512("")) ==
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST_CASE("sha256 hashes every byte value, including NUL", "[crypto][digest]") {
    std::string with_nul("a\0b", 3);
    CHECK(sha256(with_nul) != sha256("a"));
    CHECK(sha256(with_nul) != sha256(std::string("a\0c", 3)));
    std::string high = "\xff\x80";
    CHECK(hex(sha256(high)).size() == 64);
}

TEST_CASE("the error_code overloads agree with the value overloads", "[crypto][digest]") {
    sha256_digest a{};
    sha512_digest b{};
    REQUIRE_FALSE(sha256("token", a));
    REQUIRE_FALSE(sha512("token", b));
    CHECK(a == sha256("token"));
    CHECK(b == sha512("token"));
}

TEST_CASE("hex helpers produce lowercase hex of every byte", "[crypto][digest]") {
    std::array<unsigned char, 4> bytes{0x00, 0x0f, 0xa5, 0xff};
    auto h = hex_array(bytes);
    CHECK(std::string_view(h.data(), h.size()) == "000fa5ff");
    CHECK(to_hex(std::span<const unsigned char>(bytes)) == "000fa5ff");
    CHECK(to_hex(std::string_view("\x01\xab", 2)) == "01ab");
    CHECK(to_hex(std::string_view{}).empty());
    static_assert(hex_array(std::array<unsigned char, 1>{0xbe})[0] == 'b');
}

TEST_CASE("hashing allocates nothing after a thread's first call", "[crypto][digest]") {
    if (!counting_installed) {
        WARN("OpenSSL allocated before the counting allocator could be installed; skipping");
        return;
    }
    const std::string key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b";
    sha256_digest d{};
    sha512_digest e{};
    (void)sha256(key, d); // warm-up: the EVP path creates its context here
    (void)sha512(key, e);
    const long before = openssl_allocations.load();
    for (int i = 0; i < 1000; ++i) {
        REQUIRE_FALSE(sha256(key, d));
        REQUIRE_FALSE(sha512(key, e));
    }
    const long per_call = (openssl_allocations.load() - before) / 2000;
    if (digest_uses_evp) {
        // OpenSSL 3.0's EVP_DigestInit_ex2 allocates the provider context each time.
        CHECK(per_call <= 1);
    } else {
        CHECK(openssl_allocations.load() - before == 0);
    }
}

TEST_CASE("concurrent hashing from many threads gives the same digests", "[crypto][digest]") {
    const auto expected = sha256("concurrent");
    const auto expected512 = sha512("concurrent");
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i)
                if (sha256("concurrent") != expected || sha512("concurrent") != expected512) ++mismatches;
        });
    for (auto& t : threads) t.join();
    CHECK(mismatches == 0);
}
