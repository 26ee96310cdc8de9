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

TEST_CASE("verification builds no DOM: the claims DOM is made on first read", "[jwt][internals][speed]") {
    // Sixteen members of 40-character strings: the text fits the claims' inline buffer,
    // the DOM of it does not fit what is left, so building it would allocate.
    boost::json::object payload;
    payload["exp"] = 1700000600;
    for (int i = 0; i < 15; ++i) payload["claim" + std::to_string(i)] = std::string(40, static_cast<char>('a' + i));
    const key k = key::hmac(algorithm::hs256, std::string(32, 'k'));
    const std::string raw = sign_jwt(k, payload);
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}};
    const std::string first(40, 'a'), last(40, 'o');
    claims c;
    REQUIRE_FALSE(verify_jwt(raw, k, {}, now, c)); // warms per-thread buffers
    std::size_t before = heap_allocations;
    REQUIRE_FALSE(verify_jwt(raw, k, {}, now, c));
    const bool read = c.string_claim("claim14") == last;
    CHECK(heap_allocations - before == 0);
    CHECK(read);
    before = heap_allocations;
    CHECK(c.object().size() == 16); // now the DOM: it spills from the inline buffer
    CHECK(heap_allocations - before > 0);
    before = heap_allocations;
    const bool found = c.find("claim0")->as_string() == first; // built once
    CHECK(heap_allocations - before == 0);
    CHECK(found);
}

namespace {

// A compact JWS with the header text `header_json` (any bytes), signed by `k`.
std::string sign_with_header(const key& k, std::string_view header_json, std::string_view payload) {
    std::string token = warden::crypto::base64url_encode(header_json) + "." + warden::crypto::base64url_encode(payload);
    std::string sig;
    REQUIRE_FALSE(k.sign(token, sig));
    return token + "." + warden::crypto::base64url_encode(sig);
}

} // namespace

TEST_CASE("a canonical header gets the same verdict as the full header check", "[jwt][internals][header]") {
    // verify_jws skips decoding a header byte-identical to {"alg":..,"typ":"JWT"} for the
    // key a kid-less header selects. The same header with its members in another order
    // takes the full check: every verdict must agree.
    const std::string secret(64, 's');
    const std::string payload = R"({"sub":"1"})";
    key hs256 = key::hmac(algorithm::hs256, secret), hs512 = key::hmac(algorithm::hs512, secret);
    key with_kid_a = hs256.with_kid("a"), with_kid_b = key::hmac(algorithm::hs256, std::string(64, 't')).with_kid("b");

    // warden's own tokens carry the canonical header.
    std::string own = sign_jws(hs256, payload);
    CHECK(own.substr(0, own.find('.')) == warden::crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})"));

    struct verifier {
        const char* name;
        key_set keys;
        verify_options opt;
    };
    verify_options tiny;
    tiny.lim.max_header_size = 26;   // the canonical HS256 header decodes to 27 bytes
    std::vector<verifier> verifiers;
    verifiers.push_back({"the signing key", key_set{hs256}, {}});
    verifiers.push_back({"another algorithm", key_set{hs512}, {}});
    verifiers.push_back({"one key with a kid", key_set{with_kid_a}, {}});
    verifiers.push_back({"two keys with kids", key_set{with_kid_a, with_kid_b}, {}});
    verifiers.push_back({"a header limit below the header", key_set{hs256}, tiny});
    verifiers.push_back({"no key", key_set{}, {}});

    for (const key* signer : {&hs256, &hs512}) {
        std::string alg(to_string(signer->alg()));
        std::string canonical = sign_with_header(*signer, R"({"alg":")" + alg + R"(","typ":"JWT"})", payload);
        std::string reordered = sign_with_header(*signer, R"({"typ":"JWT","alg":")" + alg + R"("})", payload);
        std::string tampered = canonical;
        tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
        std::string tampered_reordered = reordered;
        tampered_reordered[tampered_reordered.size() - 2] = tampered_reordered[tampered_reordered.size() - 2] == 'A' ? 'B' : 'A';
        for (const auto& v : verifiers) {
            INFO("signed " << alg << ", verified by " << v.name);
            std::string out1, out2;
            std::error_code fast = verify_jws(canonical, v.keys, out1, v.opt);
            std::error_code full = verify_jws(reordered, v.keys, out2, v.opt);
            CHECK(fast == full);
            if (!fast) CHECK(out1 == payload);
            CHECK(verify_jws(tampered, v.keys, out1, v.opt) == verify_jws(tampered_reordered, v.keys, out2, v.opt));
            CHECK(verify_jws(tampered, v.keys, out1, v.opt));   // never accepted
        }
    }
    // The verdicts themselves, so that agreeing on a wrong answer cannot pass.
    std::string out;
    CHECK_FALSE(verify_jws(own, key_set{hs256}, out));
    CHECK(verify_jws(own, key_set{hs512}, out) == errc::alg_mismatch);
    CHECK_FALSE(verify_jws(own, key_set{with_kid_a}, out));
    CHECK(verify_jws(own, key_set{with_kid_a, with_kid_b}, out) == errc::kid_required);
    CHECK(verify_jws(own, key_set{hs256}, out, tiny) == errc::too_large);
}
