// Django's signing (salted_hmac, base62, Signer, TimestampSigner, dumps/loads): fixed
// vectors made by Django 3.2, refusals of every malformed input, and a cross-check with
// the Django on this machine at test time.
#include <warden/crypto/django_signing.hpp>

#include <support/python.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using namespace warden::crypto;
using namespace warden::crypto::django;
using namespace std::chrono_literals;

namespace {

// The secrets and time of the fixed vectors below, made with Django 3.2 (settings.configure
// (SECRET_KEY=secret), time.time patched to return the timestamp).
const std::string secret = "warden-test-secret";
const std::string old_secret = "warden-old-secret";
constexpr std::int64_t signed_at = 1'700'000'000;   // "1r31eq" in base62
const auto signed_time = std::chrono::system_clock::time_point{std::chrono::seconds{signed_at}};

const secret_keys keys{.secret = secret};
const secret_keys rotated{.secret = secret, .fallbacks = {"unrelated-secret", old_secret}};

std::string hex_of(hash_algorithm alg, std::string_view key_salt, std::string_view value, std::string_view key) {
    mac_bytes mac;
    REQUIRE_FALSE(salted_hmac(alg, key_salt, value, key, mac));
    return mac.hex();
}

std::string signed_with(const signer& s, std::string_view value) {
    std::string out;
    REQUIRE_FALSE(s.sign(value, out));
    return out;
}

// A token whose signature is valid but whose signed part is `signed_part` as given (so
// that the parts after the signature check can be reached with malformed content).
std::string timestamp_token(std::string_view signed_part, const secret_keys& k = keys,
                            std::string_view salt = timestamp_signer::default_salt) {
    return signed_with(signer{k, salt}, signed_part);
}

std::string dumped(const timestamp_signer& s, std::string_view payload, bool compress) {
    std::string out;
    REQUIRE_FALSE(dumps(s, payload, out, {.compress = compress, .now = signed_time}));
    return out;
}

} // namespace

TEST_CASE("salted_hmac equals Django's for SHA-1, SHA-256 and SHA-512", "[crypto][django_signing]") {
    CHECK(hex_of(hash_algorithm::sha1, "warden.test", "hello", secret) == "55f920d0d05973e36abc0342e83dc4cc3dc30683");
    CHECK(hex_of(hash_algorithm::sha256, "warden.test", "hello", secret) ==
          "8ae07b90b90ed5d76ab4bd131f23d2932bc0a6b2209d5e87499b751b5a948ac2");
    CHECK(hex_of(hash_algorithm::sha512, "warden.test", "hello", secret) ==
          "3e8e24d58d03899914f6151db3b1da31fe357ce9f2dcba1d8318f23c9f49ec6217d6b9d87d08b24cd0c1f7a3ebea0b4ef080d1e09a07"
          "82403914bd6cf9928087");
    // The keyed form gives the same MACs.
    for (auto alg : {hash_algorithm::sha1, hash_algorithm::sha256, hash_algorithm::sha512}) {
        salted_mac keyed{alg, "warden.test", secret};
        mac_bytes mac;
        REQUIRE_FALSE(keyed.compute("hello", mac));
        CHECK(mac.hex() == hex_of(alg, "warden.test", "hello", secret));
    }
    // Salt and secret are concatenated, so moving bytes between them changes nothing...
    CHECK(hex_of(hash_algorithm::sha256, "warden.tes", "hello", "t" + secret) ==
          hex_of(hash_algorithm::sha256, "warden.test", "hello", secret));
    // ...but any other change does.
    CHECK(hex_of(hash_algorithm::sha256, "warden.test", "hello", old_secret) !=
          hex_of(hash_algorithm::sha256, "warden.test", "hello", secret));
}

TEST_CASE("base62 matches Django's encoding and decodes only canonical digits", "[crypto][django_signing]") {
    CHECK(base62_encode(0) == "0");
    CHECK(base62_encode(61) == "z");
    CHECK(base62_encode(62) == "10");
    CHECK(base62_encode(signed_at) == "1r31eq");
    CHECK(base62_encode(-62) == "-10");
    CHECK(base62_encode(INT64_MAX) == "AzL8n0Y58m7");
    for (std::int64_t n : {std::int64_t{0}, std::int64_t{1}, std::int64_t{61}, std::int64_t{62}, signed_at, INT64_MAX}) {
        std::int64_t back = -1;
        REQUIRE_FALSE(base62_decode(base62_encode(n), back));
        CHECK(back == n);
    }
    std::int64_t out = 7;
    for (std::string_view bad : {"", "00", "01", "-1", "+1", " 1", "1 ", "1r31eq=", "1.5", "zzzzzzzzzzz", "AzL8n0Y58m8"})
        CHECK(base62_decode(bad, out) == signing_errc::bad_timestamp);
    CHECK(out == 7);
}

TEST_CASE("Signer signs as Django does and refuses any other signature", "[crypto][django_signing]") {
    signer s{keys};
    CHECK(signed_with(s, "hello") == "hello:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3Bw");
    CHECK(signed_with(signer{keys, "warden.salt"}, "hello") == "hello:m7Eg8lfubdq-HMahxZD8T-jAucrl1ylI0ExO1opZTxA");

    std::string_view value;
    REQUIRE_FALSE(s.unsign("hello:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3Bw", value));
    CHECK(value == "hello");
    // The value may itself contain the separator: the signature follows the last one.
    const auto colons = signed_with(s, "a:b:c");
    REQUIRE_FALSE(s.unsign(colons, value));
    CHECK(value == "a:b:c");

    CHECK(s.unsign("hello", value) == signing_errc::malformed);
    CHECK(s.unsign("", value) == signing_errc::malformed);
    for (std::string_view bad : {
             "hellO:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3Bw",    // value changed
             "hello:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3Bx",    // signature changed
             "hello:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3Bw=",   // padded
             "hello:kvXV4BWMNS6WThYQw_K9ep-JIBBQWSIrZTviiKXc3B",     // truncated
             "hello:kvXV4BWMNS6WThYQw/K9ep+JIBBQWSIrZTviiKXc3Bw",    // standard alphabet
             "hello:", ":", "hello:m7Eg8lfubdq-HMahxZD8T-jAucrl1ylI0ExO1opZTxA"})   // another salt
        CHECK(s.unsign(bad, value) == signing_errc::bad_signature);
}

TEST_CASE("fallback secrets verify but never sign", "[crypto][django_signing]") {
    const auto by_old = signed_with(signer{{.secret = old_secret}}, "hello");
    std::string_view value;
    CHECK(signer{keys}.unsign(by_old, value) == signing_errc::bad_signature);
    signer s{rotated};
    REQUIRE_FALSE(s.unsign(by_old, value));
    CHECK(value == "hello");
    CHECK(signed_with(s, "hello") == signed_with(signer{keys}, "hello"));
}

TEST_CASE("Django 3.2's SHA-1 signatures verify with the current secret only, and can be refused",
          "[crypto][django_signing]") {
    timestamp_signer s{rotated};
    unsigned_value u;
    REQUIRE_FALSE(s.unsign("hello:1r31eq:hgTqSyMyQp0xp52PfNX3rzmkYgY", u));
    CHECK(u.value == "hello");
    CHECK(u.timestamp == signed_at);
    timestamp_signer strict{rotated, timestamp_signer::default_salt, {.accept_legacy_sha1 = false}};
    CHECK(strict.unsign("hello:1r31eq:hgTqSyMyQp0xp52PfNX3rzmkYgY", u) == signing_errc::bad_signature);
    // SHA-1 with a fallback secret is neither Django 3.2 (no fallbacks) nor 4.1 (no SHA-1).
    timestamp_signer old_current{{.secret = old_secret}};
    mac_bytes mac;
    REQUIRE_FALSE(salted_hmac(hash_algorithm::sha1, std::string(timestamp_signer::default_salt) + "signer",
                              "hello:1r31eq", old_secret, mac));
    const std::string sha1_by_old = "hello:1r31eq:" + base64url_encode(mac.view());
    REQUIRE_FALSE(old_current.unsign(sha1_by_old, u));   // the right construction...
    CHECK(s.unsign(sha1_by_old, u) == signing_errc::bad_signature);   // ...refused as a fallback
}

TEST_CASE("TimestampSigner signs as Django does and enforces max_age as Django does", "[crypto][django_signing]") {
    timestamp_signer s{rotated};
    std::string token;
    REQUIRE_FALSE(s.sign("hello", signed_time + 999ms, token));   // whole seconds, as int(time.time())
    CHECK(token == "hello:1r31eq:eechQZJ6oTqoXWhTrzAj5uH-ttdef_OSNyhR0cTriCY");

    unsigned_value u;
    REQUIRE_FALSE(s.unsign("hello:1r31eq:3RgTfjXxb37auX6Owy21XEDM0hLNWZaUHBL6HmguzcU", u));   // by the old secret
    CHECK(u.value == "hello");

    CHECK_FALSE(s.unsign(token, u, {.max_age = 60s, .now = signed_time + 60s}));
    CHECK(s.unsign(token, u, {.max_age = 60s, .now = signed_time + 60s + 1ms}) == signing_errc::signature_expired);
    CHECK_FALSE(s.unsign(token, u, {.max_age = 60s, .now = signed_time - 1h}));   // from the future: accepted
    CHECK_FALSE(s.unsign(token, u));                                               // no max_age: no check
    CHECK(s.unsign(token, u, {.max_age = 0s}) == signing_errc::signature_expired); // long ago, by the real clock

    // A valid signature over a value without a (canonical) timestamp.
    CHECK(s.unsign(timestamp_token("hello"), u) == signing_errc::malformed);
    CHECK(s.unsign(timestamp_token("hello:"), u) == signing_errc::bad_timestamp);
    CHECK(s.unsign(timestamp_token("hello:01r31eq"), u) == signing_errc::bad_timestamp);
    CHECK(s.unsign(timestamp_token("hello:-1"), u) == signing_errc::bad_timestamp);
    CHECK(s.unsign(timestamp_token("hello:zzzzzzzzzzzz"), u) == signing_errc::bad_timestamp);
    // Far-future timestamps are compared without overflow.
    CHECK_FALSE(s.unsign(timestamp_token("hello:AzL8n0Y58m7"), u, {.max_age = 1s}));
}

TEST_CASE("dumps compresses exactly when Django does and matches Django's output", "[crypto][django_signing]") {
    timestamp_signer s{keys, "django.core.signing"};
    CHECK(dumped(s, "\"hello\"", false) == "ImhlbGxvIg:1r31eq:ulmfweVbRM9pEsrCJNMc8fdYTJfebNC1Mpux2WNTFxo");
    CHECK(dumped(s, "\"hello\"", true) == "ImhlbGxvIg:1r31eq:ulmfweVbRM9pEsrCJNMc8fdYTJfebNC1Mpux2WNTFxo");
    const std::string list = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]";
    CHECK(dumped(s, list, true) ==
          ".eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml:1r31eq:bV925kUNLW_tyvMWJKBaFZSGjMpuJtQ7qtnsUQ-z8fo");
    std::string payload;
    REQUIRE_FALSE(loads(s, dumped(s, list, true), payload));
    CHECK(payload == list);
    REQUIRE_FALSE(loads(s, dumped(s, "", true), payload));   // len(compressed) < len(data) - 1 is false
    CHECK(payload.empty());
    CHECK(dumped(s, "", true).front() == ':');
    REQUIRE_FALSE(loads(s, "ImhlbGxvIg:1r31eq:ulmfweVbRM9pEsrCJNMc8fdYTJfebNC1Mpux2WNTFxo", payload,
                        {.max_age = 10s, .now = signed_time + 10s}));
    CHECK(payload == "\"hello\"");
    CHECK(loads(s, "ImhlbGxvIg:1r31eq:ulmfweVbRM9pEsrCJNMc8fdYTJfebNC1Mpux2WNTFxo", payload,
                {.max_age = 10s, .now = signed_time + 11s}) == signing_errc::signature_expired);
    CHECK(payload.empty());
}

TEST_CASE("loads refuses malformed payloads behind a valid signature", "[crypto][django_signing]") {
    const std::string salt = "warden.payload";
    timestamp_signer s{keys, salt};
    std::string payload;
    auto token = [&](std::string_view part) { return timestamp_token(std::string(part) + ":1r31eq", keys, salt); };

    CHECK(loads(s, token("ab$c"), payload) == signing_errc::bad_payload);
    CHECK(loads(s, token("Zg=="), payload) == signing_errc::bad_payload);   // padding
    CHECK(loads(s, token("Zh"), payload) == signing_errc::bad_payload);     // loose trailing bits
    CHECK(loads(s, token("."), payload) == signing_errc::bad_compressed_payload);
    CHECK(loads(s, token("." + base64url_encode("not zlib")), payload) == signing_errc::bad_compressed_payload);

    const std::string text(2000, 'a');
    const std::string good = dumped(s, text, true);
    REQUIRE(good.front() == '.');
    std::string compressed;
    REQUIRE_FALSE(base64url_decode(good.substr(1, good.find(':') - 1), compressed));
    CHECK(loads(s, token("." + base64url_encode(compressed.substr(0, compressed.size() - 1))), payload) ==
          signing_errc::bad_compressed_payload);   // truncated stream
    CHECK(loads(s, token("." + base64url_encode(compressed + "x")), payload) ==
          signing_errc::bad_compressed_payload);   // bytes after the stream
    REQUIRE_FALSE(loads(s, good, payload));
    CHECK(payload == text);

    // Size limits before and after decompression: a signed zip bomb stops at the limit.
    CHECK(loads(s, good, payload, {.max_payload_size = 1999}) == signing_errc::payload_too_large);
    CHECK(loads(s, dumped(s, text, false), payload, {.max_payload_size = 1999}) == signing_errc::payload_too_large);
    const auto bomb = dumped(s, std::string(std::size_t{16} << 20, '\0'), true);
    CHECK(bomb.size() < 40'000);
    CHECK(loads(s, bomb, payload) == signing_errc::payload_too_large);
    CHECK(payload.empty());
}

TEST_CASE("truncated, altered and random signed values are refused without crashing", "[crypto][django_signing]") {
    timestamp_signer s{rotated, "warden.fuzz"};
    const std::string good = dumped(s, std::string(300, 'x') + "{\"k\":\"v\"}", true);
    std::string payload;
    REQUIRE_FALSE(loads(s, good, payload));
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("prefix of " << n);
        CHECK(loads(s, good.substr(0, n), payload));
        CHECK(payload.empty());
    }
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string altered = good;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        INFO("altered at " << i);
        CHECK(loads(s, altered, payload));
    }
    for (int i = 0; i < 300; ++i) {
        std::string garbage(static_cast<std::size_t>(i % 97), '\0');
        if (!garbage.empty() && random_bytes({reinterpret_cast<unsigned char*>(garbage.data()), garbage.size()}))
            FAIL("CSPRNG");
        if (i % 3 == 0) garbage += ":1r31eq:" + random_string(43, "ABCDEFabcdef0123456789-_");
        CHECK(loads(s, garbage, payload));
    }
}

TEST_CASE("a signer refuses an empty secret", "[crypto][django_signing]") {
    CHECK_THROWS_AS(signer{secret_keys{}}, std::invalid_argument);
    CHECK_THROWS_AS(timestamp_signer{secret_keys{.fallbacks = {secret}}}, std::invalid_argument);
}

TEST_CASE("signing agrees with Django's at test time in both directions", "[crypto][django_signing][django]") {
    if (!warden_test::python_has("django")) {
        WARN("skipped: /usr/bin/python3 with Django is not available (the fixed vectors above still ran)");
        return;
    }
    const std::string alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const secret_keys k{.secret = random_string(50, alnum), .fallbacks = {random_string(50, alnum)}};
    const std::int64_t ts = 1'650'000'000;
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{ts}} + 250ms;

    // Payloads in Python's compact form, so that json.dumps(json.loads(p)) == p.
    std::string long_list = "[";
    for (int i = 0; i < 200; ++i) long_list.append(i ? "," : "").append(std::to_string(i % 7));   // append: GCC 12 -Wstringop-overflow
    long_list += "]";
    const std::vector<std::string> payloads = {"\"hello\"", R"({"a":1})", "[]", long_list,
                                               R"({"s":"\u00e9\ud83d\ude00","n":null,"f":0.1})"};
    boost::json::array cases;
    for (const auto& salt : {std::string("django.core.signing"), std::string("warden.live")})
        for (const auto& p : payloads)
            for (bool compress : {false, true}) {
                std::string ours;
                REQUIRE_FALSE(dumps(timestamp_signer{{.secret = k.secret}, salt}, p, ours, {.compress = compress, .now = now}));
                cases.push_back({{"payload", p}, {"salt", salt}, {"compress", compress}, {"ours", ours}});
            }

    const char* script = R"PY(
import json, sys
import django
from django.conf import settings
settings.configure(SECRET_KEY="not-used-by-these-calls")
django.setup()
from django.core import signing
inp = json.load(open(sys.argv[1]))
signing.time.time = lambda: inp["ts"] + 0.25
out = []
for c in inp["cases"]:
    obj = json.loads(c["payload"])
    out.append({
        "theirs": signing.dumps(obj, key=inp["key"], salt=c["salt"], compress=c["compress"]),
        "theirs_old": signing.dumps(obj, key=inp["old"], salt=c["salt"], compress=c["compress"]),
        "theirs_sha1": signing.TimestampSigner(inp["key"], salt=c["salt"], algorithm="sha1").sign_object(
            obj, compress=c["compress"]),
        "ours_decoded": json.dumps(signing.loads(c["ours"], key=inp["key"], salt=c["salt"]), separators=(",", ":")),
    })
print(json.dumps(out))
)PY";
    const auto result = warden_test::run_python_json(
        script, {{"key", k.secret}, {"old", k.fallbacks[0]}, {"ts", ts}, {"cases", cases}});
    const auto& rows = result.as_array();
    REQUIRE(rows.size() == cases.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& c = cases[i].as_object();
        const auto& r = rows[i].as_object();
        const std::string payload(c.at("payload").as_string()), salt(c.at("salt").as_string());
        INFO("payload " << payload << " salt " << salt << " compress " << c.at("compress").as_bool());
        CHECK(r.at("theirs").as_string() == c.at("ours").as_string());   // byte-identical
        CHECK(r.at("ours_decoded").as_string() == payload);              // Django reads ours
        timestamp_signer reader{k, salt};
        for (const char* field : {"theirs", "theirs_old", "theirs_sha1"}) {
            std::string got;
            INFO(field);
            REQUIRE_FALSE(loads(reader, std::string(r.at(field).as_string()), got));
            CHECK(got == payload);
        }
        std::string got;
        CHECK(loads(timestamp_signer{{.secret = k.secret}, salt}, std::string(r.at("theirs_old").as_string()), got) ==
              signing_errc::bad_signature);
    }
}
