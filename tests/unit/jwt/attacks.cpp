// One test per attack or malformation that verification must refuse (jws.hpp).
#include "support.hpp"

#include <warden/crypto/base64.hpp>
#include <warden/crypto/hmac.hpp>
#include <warden/jwt/jwt.hpp>

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace warden::jwt;
using warden::crypto::base64url_encode;
using jwt_test::at;
using jwt_test::pem_of;

namespace {

const std::string secret = "0123456789abcdef0123456789abcdef"; // 32 bytes
constexpr std::int64_t now_s = 1700000000;

key hs256() { return key::hmac(algorithm::hs256, secret); }

// A token with exactly this header and payload text, signed (MACed) by `k`.
std::string forge(std::string_view header, std::string_view payload, const key& k) {
    std::string token = base64url_encode(header) + "." + base64url_encode(payload);
    std::string sig;
    REQUIRE_FALSE(k.sign(token, sig));
    return token + "." + base64url_encode(sig);
}

// Same, MACed with raw HMAC-SHA256 under arbitrary bytes (what an attacker can do
// with anything public).
std::string forge_hs256_with(std::string_view header, std::string_view payload, std::string_view mac_key) {
    std::string token = base64url_encode(header) + "." + base64url_encode(payload);
    warden::crypto::hmac mac(warden::crypto::hmac_hash::sha256, mac_key);
    return token + "." + base64url_encode(mac.compute(token));
}

const std::string claims_ok = R"({"sub":"alice","exp":1700000600})";

std::error_code jws_check(std::string_view token, const key& k, const verify_options& opt = {}) {
    std::string payload;
    return verify_jws(token, k, payload, opt);
}

std::error_code jwt_check(std::string_view token, const key& k, const validation& rules = {}) {
    claims c;
    return verify_jwt(token, k, rules, at(now_s), c);
}

std::string rsa_public_pem() {
    EVP_PKEY* pkey = EVP_RSA_gen(2048);
    REQUIRE(pkey);
    std::string pem = pem_of(pkey, false);
    EVP_PKEY_free(pkey);
    return pem;
}

// The key blob inside an OpenSSH public key line ("type base64 [comment]").
std::string ssh_blob_field(std::string_view line, int index) {
    auto b64 = line.substr(line.find(' ') + 1);
    b64 = b64.substr(0, b64.find(' '));
    std::string blob;
    REQUIRE_FALSE(warden::crypto::base64_decode(b64, blob));
    std::size_t at = 0;
    std::string field;
    for (int i = 0; i <= index; ++i) {
        auto len = static_cast<std::size_t>(static_cast<unsigned char>(blob[at])) << 24 |
                   static_cast<std::size_t>(static_cast<unsigned char>(blob[at + 1])) << 16 |
                   static_cast<std::size_t>(static_cast<unsigned char>(blob[at + 2])) << 8 |
                   static_cast<std::size_t>(static_cast<unsigned char>(blob[at + 3]));
        field = blob.substr(at + 4, len);
        at += 4 + len;
    }
    return field;
}

} // namespace

TEST_CASE("a well-formed token passes every check (control for the attack tests)", "[jwt][attack]") {
    auto token = forge(R"({"alg":"HS256","typ":"JWT"})", claims_ok, hs256());
    CHECK_FALSE(jws_check(token, hs256()));
    CHECK_FALSE(jwt_check(token, hs256()));
}

TEST_CASE("alg none is refused in every spelling, with or without a signature", "[jwt][attack][alg]") {
    for (std::string alg : {"none", "None", "NONE", "nOnE", "NoNe"}) {
        INFO(alg);
        std::string unsigned_token = base64url_encode(R"({"alg":")" + alg + R"("})") + "." + base64url_encode(claims_ok);
        CHECK(jws_check(unsigned_token + ".", hs256()) == errc::bad_format); // RFC 7515 A.5 form
        CHECK(jws_check(unsigned_token + ".c2ln", hs256()) == errc::alg_none);
        CHECK(jwt_check(unsigned_token + ".c2ln", hs256()) == errc::alg_none);
    }
    // Near-misses are simply not the key's algorithm.
    std::string almost = base64url_encode(R"({"alg":"none "})") + "." + base64url_encode(claims_ok) + ".c2ln";
    CHECK(jws_check(almost, hs256()) == errc::alg_mismatch);
}

TEST_CASE("a token whose alg differs from the key's is refused even with a valid MAC", "[jwt][attack][alg]") {
    key k = hs256();
    // Correct HS256 MAC, header claiming HS384 / HS512 / RS256.
    for (std::string alg : {"HS384", "HS512", "RS256", "hs256"}) {
        INFO(alg);
        auto token = forge(R"({"alg":")" + alg + R"("})", claims_ok, k);
        CHECK(jws_check(token, k) == errc::alg_mismatch);
    }
    // alg must be a string and present.
    CHECK(jws_check(forge(R"({"alg":5})", claims_ok, k), k) == errc::bad_header);
    CHECK(jws_check(forge(R"({"typ":"JWT"})", claims_ok, k), k) == errc::bad_header);
}

TEST_CASE("HS256 forged with an RSA public key is refused by the RS256 key (alg confusion)", "[jwt][attack][alg]") {
    std::string pem = rsa_public_pem();
    key rs = key::from_pem(algorithm::rs256, pem);
    auto forged = forge_hs256_with(R"({"alg":"HS256","typ":"JWT"})", claims_ok, pem);
    CHECK(jws_check(forged, rs) == errc::alg_mismatch);
    // And the public key text cannot be configured as an HMAC secret by mistake.
    std::error_code ec;
    key::hmac(algorithm::hs256, pem, ec);
    CHECK(ec == errc::key_type_mismatch);
}

TEST_CASE("the PyJWT advisory alg-confusion tokens are refused (GHSA-ffqj-6fqr-9h24)", "[jwt][attack][alg]") {
    WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
    const auto& v = doc->at("pyjwt_advisory_alg_confusion");
    std::string payload;

    // Ed25519: the 32-byte key is the second field of the OpenSSH blob.
    std::string ed_line = warden_test::as_string(v.at("ed25519_ssh_pub"));
    std::string x = base64url_encode(ssh_blob_field(ed_line, 1));
    key ed = key::from_jwk(algorithm::eddsa, R"({"kty":"OKP","crv":"Ed25519","x":")" + x + "\"}");
    CHECK_FALSE(verify_jws(warden_test::as_string(v.at("good_EdDSA")), ed, payload));
    CHECK(payload == R"({"test":1234})");
    CHECK(verify_jws(warden_test::as_string(v.at("bad_HS256_keyed_with_ssh_pub")), ed, payload) == errc::alg_mismatch);

    // ECDSA P-256: the third field is the uncompressed point 04 || x || y.
    std::string ec_line = warden_test::as_string(v.at("ecdsa_ssh_pub"));
    std::string point = ssh_blob_field(ec_line, 2);
    REQUIRE(point.size() == 65);
    key es = key::from_jwk(algorithm::es256, R"({"kty":"EC","crv":"P-256","x":")" + base64url_encode(point.substr(1, 32)) +
                                                 R"(","y":")" + base64url_encode(point.substr(33)) + "\"}");
    CHECK_FALSE(verify_jws(warden_test::as_string(v.at("good_ES256")), es, payload));
    CHECK(verify_jws(warden_test::as_string(v.at("bad_HS256_keyed_with_ecdsa_ssh_pub")), es, payload) == errc::alg_mismatch);

    // The SSH key lines themselves are refused as HMAC secrets.
    for (const auto& line : {ed_line, ec_line}) {
        std::error_code err;
        key::hmac(algorithm::hs256, line, err);
        CHECK(err == errc::key_type_mismatch);
    }
}

TEST_CASE("kid selects the key; unknown, missing or mismatched kids are refused", "[jwt][attack][kid]") {
    key a = key::hmac(algorithm::hs256, secret).with_kid("a");
    key b = key::hmac(algorithm::hs256, std::string(32, 'b')).with_kid("b");
    key_set keys{a, b};
    std::string payload;
    CHECK_FALSE(verify_jws(forge(R"({"alg":"HS256","kid":"b"})", claims_ok, b), keys, payload));
    CHECK_FALSE(verify_jws(forge(R"({"alg":"HS256","kid":"a"})", claims_ok, a), keys, payload));
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"c"})", claims_ok, b), keys, payload) == errc::unknown_kid);
    CHECK(verify_jws(forge(R"({"alg":"HS256"})", claims_ok, b), keys, payload) == errc::kid_required);
    // Signed by a, labelled b: b's MAC does not match.
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"b"})", claims_ok, a), keys, payload) == errc::bad_signature);
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":7})", claims_ok, b), keys, payload) == errc::bad_header);
    // The kid never changes the algorithm: an RS256 key chosen by kid refuses HS256.
    key_set mixed;
    mixed.allow_mixed_key_types();
    REQUIRE_FALSE(mixed.add(a));
    REQUIRE_FALSE(mixed.add(key::from_pem(algorithm::rs256, rsa_public_pem()).with_kid("r")));
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"r"})", claims_ok, a), mixed, payload) == errc::alg_mismatch);
    // One key with a kid answers only that kid; one key without kid answers any token.
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"z"})", claims_ok, a), a, payload) == errc::unknown_kid);
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"z"})", claims_ok, hs256()), hs256(), payload) == std::error_code{});
    CHECK(verify_jws(forge(R"({"alg":"HS256","kid":"z"})", claims_ok, a), key_set{a}, payload) == errc::unknown_kid);
}

TEST_CASE("jku, x5u, x5c and jwk headers are refused and never used", "[jwt][attack][header]") {
    key k = hs256();
    for (std::string member : {R"("jku":"https://attacker.example/jwks")", R"("x5u":"https://attacker.example/cert")",
                               R"("x5c":["MIIB"])", R"("jwk":{"kty":"oct","k":"AAAA"})"}) {
        INFO(member);
        auto token = forge(R"({"alg":"HS256",)" + member + "}", claims_ok, k);
        CHECK(jws_check(token, k) == errc::untrusted_key_header);
        // Opting out only ignores them: the configured key still decides.
        CHECK_FALSE(jws_check(token, k, verify_options{.reject_key_headers = false}));
    }
    // An attacker's embedded key is not used even when the members are tolerated.
    std::string attacker_secret(32, 'x');
    auto token = forge(R"({"alg":"HS256","jwk":{"kty":"oct","k":")" + base64url_encode(attacker_secret) + R"("}})",
                       claims_ok, key::hmac(algorithm::hs256, attacker_secret));
    CHECK(jws_check(token, k, verify_options{.reject_key_headers = false}) == errc::bad_signature);
}

TEST_CASE("crit naming any member is refused: no extension is supported", "[jwt][attack][header]") {
    key k = hs256();
    CHECK(jws_check(forge(R"({"alg":"HS256","crit":["exp"],"exp":1})", claims_ok, k), k) == errc::crit_unsupported);
    CHECK(jws_check(forge(R"({"alg":"HS256","crit":["b64"],"b64":true})", claims_ok, k), k) == errc::crit_unsupported);
    CHECK(jws_check(forge(R"({"alg":"HS256","crit":[]})", claims_ok, k), k) == errc::crit_unsupported);
}

TEST_CASE("b64 false is refused; b64 must be a boolean", "[jwt][attack][header]") {
    key k = hs256();
    CHECK(jws_check(forge(R"({"alg":"HS256","b64":false})", claims_ok, k), k) == errc::b64_false);
    CHECK(jws_check(forge(R"({"alg":"HS256","b64":"false"})", claims_ok, k), k) == errc::bad_header);
    CHECK_FALSE(jws_check(forge(R"({"alg":"HS256","b64":true})", claims_ok, k), k));
}

TEST_CASE("base64url padding in any part is refused", "[jwt][attack][base64]") {
    key k = hs256();
    // Header and payload lengths chosen so that padding would be needed.
    auto token = forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"a":"x"})", k);
    auto d1 = token.find('.'), d2 = token.rfind('.');
    REQUIRE(token.size() - d2 - 1 == 43); // a 32-byte MAC needs one '=' in padded form
    CHECK(jws_check(token + "=", k) == errc::bad_base64);
    std::string header_padded = token.substr(0, d1) + "=" + token.substr(d1);
    CHECK(jws_check(header_padded, k) == errc::bad_base64);
    // The payload is decoded after the signature check: re-MAC so only the padding is wrong.
    std::string padded_input = token.substr(0, d2) + "=";
    std::string sig;
    REQUIRE_FALSE(k.sign(padded_input, sig));
    CHECK(jws_check(padded_input + "." + base64url_encode(sig), k) == errc::bad_base64);
    CHECK(jws_check(token.substr(0, d2) + "=" + token.substr(d2), k) == errc::bad_signature);
}

TEST_CASE("the standard base64 alphabet (+ and /) and whitespace are refused", "[jwt][attack][base64]") {
    key k = hs256();
    // Find a token whose MAC encoding holds '-' or '_', then use the standard alphabet.
    for (int i = 0;; ++i) {
        auto token = forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"n":)" + std::to_string(i) + "}", k);
        auto sig_at = token.rfind('.') + 1;
        auto pos = token.find_first_of("-_", sig_at);
        if (pos == std::string::npos) continue;
        CHECK_FALSE(jws_check(token, k));
        token[pos] = token[pos] == '-' ? '+' : '/';
        CHECK(jws_check(token, k) == errc::bad_base64);
        break;
    }
    auto token = forge(R"({"alg":"HS256"})", claims_ok, k);
    CHECK(jws_check(token.substr(0, 10) + " " + token.substr(10), k) == errc::bad_base64);
    CHECK(jws_check(token + "\n", k) == errc::bad_base64);
}

TEST_CASE("non-canonical trailing bits in signature or payload are refused", "[jwt][attack][base64]") {
    key k = hs256();
    auto token = forge(R"({"alg":"HS256"})", claims_ok, k);
    // The MAC's last character carries 2 data bits and 4 zero bits: set a zero bit.
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    auto bump = [&](std::string t, std::size_t pos) {
        t[pos] = alphabet[alphabet.find(t[pos]) | 1];
        return t;
    };
    CHECK(jws_check(bump(token, token.size() - 1), k) == errc::bad_base64);
    // Payload: {"a":1} is 7 bytes, its encoding ends in a character with 4 unused bits.
    auto t2 = forge(R"({"alg":"HS256"})", R"({"a":1})", k);
    auto d2 = t2.rfind('.');
    // Re-MAC the tampered text so only the encoding is wrong.
    std::string tampered_input = bump(t2.substr(0, d2), d2 - 1);
    std::string sig;
    REQUIRE_FALSE(k.sign(tampered_input, sig));
    CHECK(jws_check(tampered_input + "." + base64url_encode(sig), k) == errc::bad_base64);
}

TEST_CASE("a duplicate member name in header or claims is refused, at any depth", "[jwt][attack][json]") {
    key k = hs256();
    CHECK(jws_check(forge(R"({"alg":"HS256","alg":"HS256"})", claims_ok, k), k) == errc::duplicate_member);
    CHECK(jws_check(forge(R"({"alg":"HS256","typ":"JWT","typ":"x"})", claims_ok, k), k) == errc::duplicate_member);
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"sub":"bob","exp":1700000600,"sub":"admin"})", k), k) ==
          errc::duplicate_member);
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"x":[{"a":1,"a":2}]})", k), k) ==
          errc::duplicate_member);
    // Same names in different objects are fine.
    CHECK_FALSE(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"x":{"exp":1},"y":[{"x":1},{"x":2}]})", k), k));
}

TEST_CASE("invalid UTF-8 in header or claims is refused", "[jwt][attack][json]") {
    key k = hs256();
    for (std::string bad : {std::string("\"\xff\""), std::string("\"\xc0\xaf\""), std::string("\"\xed\xa0\x80\""),
                            std::string("\"\xe2\x82\""), std::string(R"("\ud800")"), std::string(R"("\udc00x")")}) {
        INFO(bad);
        CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"name":)" + bad + "}", k), k) == errc::bad_json);
        CHECK(jws_check(forge(R"({"alg":"HS256","kid":)" + bad + "}", claims_ok, k), k) == errc::bad_json);
    }
    // A well-formed surrogate pair and raw UTF-8 are fine.
    CHECK_FALSE(jwt_check(forge(R"({"alg":"HS256"})", "{\"exp\":1700000600,\"n\":\"\\ud83d\\ude00 \xc3\xa9\"}", k), k));
}

TEST_CASE("oversized tokens and headers are refused before parsing", "[jwt][attack][limits]") {
    key k = hs256();
    std::string big(9000, 'a');
    auto token = forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"pad":")" + big + "\"}", k);
    CHECK(jws_check(token, k) == errc::too_large);
    verify_options roomy;
    roomy.lim.max_token_size = 64 * 1024;
    CHECK_FALSE(jws_check(token, k, roomy));
    auto big_header = forge(R"({"alg":"HS256","x":")" + std::string(1100, 'h') + "\"}", claims_ok, k);
    CHECK(jws_check(big_header, k) == errc::too_large);
    // Just under the header limit passes.
    auto ok_header = forge(R"({"alg":"HS256","x":")" + std::string(1000, 'h') + "\"}", claims_ok, k);
    CHECK_FALSE(jws_check(ok_header, k));
}

TEST_CASE("JSON nested deeper than the limit is refused", "[jwt][attack][limits]") {
    key k = hs256();
    auto nested = [](int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); };
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"x":)" + nested(100) + "}", k), k) == errc::too_deep);
    CHECK(jws_check(forge(R"({"alg":"HS256","x":)" + nested(40) + "}", claims_ok, k), k) == errc::too_deep);
    CHECK_FALSE(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,"x":)" + nested(10) + "}", k), k));
}

TEST_CASE("claims that are not a JSON object are refused by JWT verification only", "[jwt][attack][json]") {
    key k = hs256();
    for (std::string payload : {"[1,2]", "123", "\"text\"", "null", "true"}) {
        INFO(payload);
        auto token = forge(R"({"alg":"HS256"})", payload, k);
        CHECK(jwt_check(token, k) == errc::not_an_object);
        CHECK_FALSE(jws_check(token, k)); // signature-only verification returns the raw bytes
    }
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", "not json", k), k) == errc::bad_json);
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600} x)", k), k) == errc::bad_json);
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600,})", k), k) == errc::bad_json);
    CHECK(jwt_check(forge(R"({"alg":"HS256"})", R"({"exp":1700000600 /*c*/})", k), k) == errc::bad_json);
    CHECK(jws_check(forge(R"(["HS256"])", claims_ok, k), k) == errc::not_an_object);
}

TEST_CASE("wrong part counts and empty parts are refused", "[jwt][attack][format]") {
    key k = hs256();
    auto token = forge(R"({"alg":"HS256"})", claims_ok, k);
    auto d1 = token.find('.'), d2 = token.rfind('.');
    CHECK(jws_check("", k) == errc::bad_format);
    CHECK(jws_check(token.substr(0, d2), k) == errc::bad_format);
    CHECK(jws_check(token + ".", k) == errc::bad_format);
    CHECK(jws_check(token + ".e30", k) == errc::bad_format);
    CHECK(jws_check(token.substr(d1), k) == errc::bad_format);          // no header
    CHECK(jws_check(token.substr(0, d2 + 1), k) == errc::bad_format);   // no signature
    CHECK(jws_check(token.substr(0, d1 + 1) + token.substr(d2), k) == errc::bad_signature); // payload removed
}

TEST_CASE("tampered payloads and truncated MACs fail the constant-time comparison", "[jwt][attack][signature]") {
    key k = hs256();
    auto token = forge(R"({"alg":"HS256"})", claims_ok, k);
    auto d1 = token.find('.'), d2 = token.rfind('.');
    std::string tampered = token.substr(0, d1 + 1) + base64url_encode(R"({"sub":"admin","exp":1700000600})") + token.substr(d2);
    CHECK(jws_check(tampered, k) == errc::bad_signature);
    std::string sig;
    REQUIRE_FALSE(warden::crypto::base64url_decode(token.substr(d2 + 1), sig));
    CHECK(jws_check(token.substr(0, d2 + 1) + base64url_encode(sig.substr(0, 16)), k) == errc::bad_signature);
    CHECK(jws_check(token.substr(0, d2 + 1) + base64url_encode(sig + "x"), k) == errc::bad_signature);
}

TEST_CASE("a nested JWT (cty JWT) is refused by JWT verification", "[jwt][attack][header]") {
    key k = hs256();
    auto token = forge(R"({"alg":"HS256","cty":"JWT"})", claims_ok, k);
    CHECK(jwt_check(token, k) == errc::nested_jwt);
    CHECK_FALSE(jws_check(token, k));
}

TEST_CASE("a key that may not verify refuses every token", "[jwt][attack][key]") {
    std::error_code ec;
    key sign_only = key::from_jwk(algorithm::hs256,
                                  R"({"kty":"oct","key_ops":["sign"],"k":")" + base64url_encode(secret) + "\"}", ec);
    REQUIRE_FALSE(ec);
    auto token = forge(R"({"alg":"HS256"})", claims_ok, hs256());
    CHECK(jws_check(token, sign_only) == errc::key_use_mismatch);
    CHECK(jws_check(token, key{}) == errc::no_key);
    std::string payload;
    CHECK(verify_jws(token, key_set{}, payload) == errc::no_key);
}

TEST_CASE("header members are recognised after unescaping, and escaped duplicates are caught", "[jwt][attack][json]") {
    key k = hs256();
    // "\u0061lg" is "alg": a second alg spelled differently is still a duplicate.
    CHECK(jws_check(forge(R"({"alg":"HS256","\u0061lg":"none"})", claims_ok, k), k) == errc::duplicate_member);
    CHECK(jws_check(forge(R"({"\u0061lg":"HS256"})", claims_ok, k), k) == std::error_code{});
    CHECK(jws_check(forge(R"({"alg":"HS256","\u0063rit":["x"]})", claims_ok, k), k) == errc::crit_unsupported);
    CHECK(jws_check(forge(R"({"alg":"\u006eone"})", claims_ok, k), k) == errc::alg_none);
    // Duplicates inside nested header objects, and among many members.
    CHECK(jws_check(forge(R"({"alg":"HS256","ext":{"a":1,"a":2}})", claims_ok, k), k) == errc::duplicate_member);
    CHECK_FALSE(jws_check(forge(R"({"alg":"HS256","ext":{"a":1,"b":[{"a":1}]}})", claims_ok, k), k));
    std::string many = R"({"alg":"HS256")";
    for (int i = 0; i < 30; ++i) many += ",\"m" + std::to_string(i) + "\":" + std::to_string(i);
    CHECK_FALSE(jws_check(forge(many + "}", claims_ok, k), k));
    CHECK(jws_check(forge(many + R"(,"m29":0})", claims_ok, k), k) == errc::duplicate_member);
    // Member values of the wrong kind.
    CHECK(jws_check(forge(R"({"alg":["HS256"]})", claims_ok, k), k) == errc::bad_header);
    CHECK(jws_check(forge(R"({"alg":null})", claims_ok, k), k) == errc::bad_header);
    CHECK(jws_check(forge(R"({"alg":"HS256","kid":{"k":"a"}})", claims_ok, k), k) == errc::bad_header);
    CHECK(jws_check(forge(R"({"alg":"HS256","b64":0})", claims_ok, k), k) == errc::bad_header);
    CHECK(jws_check(forge(R"("HS256")", claims_ok, k), k) == errc::not_an_object);
    CHECK(jws_check(forge(R"(5)", claims_ok, k), k) == errc::not_an_object);
    CHECK(jws_check(forge(R"({"alg":"HS256"} {})", claims_ok, k), k) == errc::bad_json);
}
