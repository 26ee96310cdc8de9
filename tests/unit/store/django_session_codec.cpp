// Django's session_data (database backend) and session auth hash: fixed vectors made by
// Django 3.2, refusals, and a cross-check with the Django on this machine at test time.
#include <warden/session/auth_hash.hpp>
#include <warden/store/django/session_codec.hpp>

#include <support/python.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <string>

using namespace warden;
using namespace std::chrono_literals;
using crypto::django::secret_keys;
using crypto::django::signing_errc;

namespace {

// As in tests/unit/crypto/django_signing.cpp: Django 3.2, SECRET_KEY "warden-test-secret",
// time.time() patched to 1700000000.
const std::string secret = "warden-test-secret";
const std::string old_secret = "warden-old-secret";
const auto signed_time = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
const secret_keys keys{.secret = secret};
const secret_keys rotated{.secret = secret, .fallbacks = {old_secret}};

// SessionStore().encode(d) for d = {"_auth_user_id": "1", "_auth_user_backend":
// "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": "abc"} (compressed: the
// JSON is 107 bytes, its zlib form 84).
const std::string django_session =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyVNJBFktKTM5OzQNJpGQl5qXn6yXn55UUZSbpgZToQWWL9XzzU1JznKBqUQzISCzOAOpOTEpWqgUAjnEncw:"
    "1r31eq:HQnvLSZxU7qxygDVMJK3hhdiLVIr4WxmFQUTSIjHSgs";
// SessionStore().encode({"_auth_user_id": "12"}): too short to gain from zlib, so not compressed.
const std::string django_session_plain = "eyJfYXV0aF91c2VyX2lkIjoiMTIifQ:1r31eq:ZExsgbHwrg4rKCafL7rlgcN_t2VttDxJPznsBFeL45o";
// The same dict plus "cart": ["item-0", ..., "item-29"].
const std::string django_session_big =
    ".eJxVjssOgjAQRf9l1to44xOW7v0CY5pSGsEHJFBWxn-3GOaiu5OZ6Tl9kXVDrOzQh87WJeXEtPidFc7fQzMuyptrrq3xbRO7ujDjiZm2vTm1"
    "ZXgcp9s_QeX6Kr12hU9z77pI-ZnqGJ7LVRp8gRVEYa2wUdgq7BT2CgeFDMJZDTdDzrAz9Aw_I8AoMBKMhqAh8__REDQEDUFD0BA0BA3J6PL-"
    "AM2oeUA:1r31eq:fF1t1O2IYVlc3ONu9nV_rnQdBhq_EiGPwMuEwRWbFsE";
// SessionStore()._legacy_encode(d): the pre-3.1 form.
const std::string django_session_legacy =
    "MGVjZmQwNzE1OWM5MDdkNjUwYjhjZDBmMGUzYzlmMTI5MTNmNmEyMzp7Il9hdXRoX3VzZXJfaWQiOiIxIiwiX2F1dGhfdXNlcl9iYWNrZW5kIjoi"
    "ZGphbmdvLmNvbnRyaWIuYXV0aC5iYWNrZW5kcy5Nb2RlbEJhY2tlbmQiLCJfYXV0aF91c2VyX2hhc2giOiJhYmMifQ==";
// TimestampSigner(secret, salt=key_salt, algorithm="sha1").sign_object(d, compress=True).
const std::string django_session_sha1 =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyVNJBFktKTM5OzQNJpGQl5qXn6yXn55UUZSbpgZToQWWL9XzzU1JznKBqUQzISCzOAOpOTEpWqgUAjnEncw:"
    "1r31eq:8da_YqUjOSw-4JqHW-32LlWUG1Y";
// As django_session, signed with the old secret.
const std::string django_session_old =
    ".eJyrVopPLC3JiC8tTi2Kz0xRslIyVNJBFktKTM5OzQNJpGQl5qXn6yXn55UUZSbpgZToQWWL9XzzU1JznKBqUQzISCzOAOpOTEpWqgUAjnEncw:"
    "1r31eq:j5-2xS74f5TXuZ_WotWz_WkJUI5DuZmXNKlJC_UsBag";

boost::json::object expected_session() { return django::auth_session("1", "abc"); }

boost::json::object expected_big_session() {
    auto o = expected_session();
    boost::json::array cart;
    for (int i = 0; i < 30; ++i) cart.emplace_back("item-" + std::to_string(i));
    o["cart"] = std::move(cart);
    return o;
}

std::string encoded(const django::session_codec& c, const boost::json::object& o) {
    std::string out;
    REQUIRE_FALSE(c.encode(o, out, signed_time));
    return out;
}

// A value signed with the session salt whose payload is `json`, as-is.
std::string signed_payload(std::string_view json, const secret_keys& k = keys) {
    std::string out;
    crypto::django::timestamp_signer s{k, django::session_key_salt};
    REQUIRE_FALSE(crypto::django::dumps(s, json, out, {.compress = true, .now = signed_time}));
    return out;
}

} // namespace

TEST_CASE("session data is encoded byte for byte as Django encodes it", "[store][django_session]") {
    django::session_codec codec{keys};
    CHECK(encoded(codec, expected_session()) == django_session);
    CHECK(encoded(codec, expected_big_session()) == django_session_big);
    CHECK(encoded(codec, {{"_auth_user_id", "12"}}) == django_session_plain);
    // The key order is Django's login() order.
    const auto s = django::auth_session("7", "h", "x.Backend");
    REQUIRE(s.size() == 3);
    CHECK(s.begin()[0].key() == "_auth_user_id");
    CHECK(s.begin()[1].key() == "_auth_user_backend");
    CHECK(s.begin()[2].key() == "_auth_user_hash");
    CHECK(django::auth_session("7", "h").at(django::session_backend_key) == "django.contrib.auth.backends.ModelBackend");
}

TEST_CASE("Django's session data decodes: current, compressed, SHA-1, pre-3.1 and fallback-signed forms",
          "[store][django_session]") {
    django::session_codec codec{rotated};
    boost::json::object out;
    for (const auto* data : {&django_session, &django_session_legacy, &django_session_sha1, &django_session_old}) {
        INFO(*data);
        REQUIRE_FALSE(codec.decode(*data, out));
        CHECK(out == expected_session());
    }
    REQUIRE_FALSE(codec.decode(django_session_big, out));
    CHECK(out == expected_big_session());
    REQUIRE_FALSE(codec.decode(django_session_plain, out));
    CHECK(out == boost::json::object{{"_auth_user_id", "12"}});
    // Without the fallback, data signed with the old secret is refused.
    CHECK(django::session_codec{keys}.decode(django_session_old, out) == signing_errc::bad_signature);
    CHECK(out.empty());
}

TEST_CASE("the legacy forms can be turned off", "[store][django_session]") {
    django::session_codec strict{rotated, {.accept_legacy = false}};
    boost::json::object out;
    CHECK(strict.decode(django_session_legacy, out) == signing_errc::malformed);
    CHECK(strict.decode(django_session_sha1, out) == signing_errc::bad_signature);
    REQUIRE_FALSE(strict.decode(django_session_old, out));
    REQUIRE_FALSE(strict.decode(django_session, out));
}

TEST_CASE("tampered, truncated and garbage session data is refused with the right error", "[store][django_session]") {
    django::session_codec codec{rotated};
    boost::json::object out;
    auto with = [&](std::string data) { return codec.decode(data, out); };

    std::string tampered = django_session;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    CHECK(with(tampered) == signing_errc::bad_signature);
    CHECK(with(django_session.substr(0, django_session.size() - 1)) == signing_errc::bad_signature);
    CHECK(with(django_session + "=") == signing_errc::bad_signature);
    CHECK(with("") == signing_errc::malformed);   // no ':': read as the legacy form, which has no hash
    CHECK(with(":") == signing_errc::bad_signature);
    CHECK(with("garbage") == signing_errc::bad_payload);
    CHECK(with("a:b:c") == signing_errc::bad_signature);

    // Pre-3.1 form: not base64, no ':', wrong hash, truncated.
    CHECK(with("!!!!") == signing_errc::bad_payload);
    CHECK(with(crypto::base64_encode("no separator")) == signing_errc::malformed);
    std::string legacy;
    REQUIRE_FALSE(crypto::base64_decode(django_session_legacy, legacy));
    legacy[0] = legacy[0] == 'a' ? 'b' : 'a';
    CHECK(with(crypto::base64_encode(legacy)) == signing_errc::bad_signature);
    CHECK(with(django_session_legacy.substr(0, django_session_legacy.size() - 4)) == signing_errc::bad_signature);
    CHECK(with(django_session_legacy.substr(0, django_session_legacy.size() - 1)) == signing_errc::bad_payload);

    // Signed correctly, but not a JSON object.
    CHECK(with(signed_payload("[1,2]")) == django::session_errc::not_an_object);
    CHECK(with(signed_payload("\"s\"")) == django::session_errc::not_an_object);
    CHECK(with(signed_payload("{")) == django::session_errc::bad_json);
    CHECK(with(signed_payload("{\"a\":NaN}")) == django::session_errc::bad_json);
    CHECK(with(signed_payload("")) == django::session_errc::bad_json);
    std::string deep;
    for (int i = 0; i < 65; ++i) deep.append("{\"a\":");
    deep.append("1");
    for (int i = 0; i < 65; ++i) deep.append("}");
    CHECK(with(signed_payload(deep)) == django::session_errc::bad_json);
    CHECK(out.empty());

    // Size limit.
    django::session_codec small{keys, {.max_payload_size = 50}};
    CHECK(small.decode(django_session, out) == signing_errc::payload_too_large);
    CHECK(small.decode(django_session_legacy, out) == signing_errc::payload_too_large);
}

TEST_CASE("session payload bytes are read as Latin-1, as Django reads them", "[store][django_session]") {
    django::session_codec codec{keys};
    boost::json::object out;
    REQUIRE_FALSE(codec.decode(signed_payload("{\"name\":\"caf\xe9\"}"), out));
    CHECK(out.at("name") == "caf\xc3\xa9");   // U+00E9 in UTF-8
}

TEST_CASE("values Django's JSON serializer cannot write the same way are refused at encode", "[store][django_session]") {
    django::session_codec codec{keys};
    std::string out = "untouched";
    CHECK(codec.encode({{"x", std::nan("")}}, out) == django::session_errc::unserializable);
    CHECK(codec.encode({{"x", HUGE_VAL}}, out) == django::session_errc::unserializable);
    CHECK(codec.encode({{"x", "\xff"}}, out) == django::session_errc::unserializable);
    CHECK(codec.encode({{"\xed\xa0\x80", 1}}, out) == django::session_errc::unserializable);   // a surrogate
    boost::json::value deep = 1;
    for (int i = 0; i < 65; ++i) deep = boost::json::object{{"a", std::move(deep)}};
    CHECK(codec.encode(deep.as_object(), out) == django::session_errc::unserializable);
    CHECK(out == "untouched");
    // One level less fits, and reads back.
    boost::json::value fits = 1;
    for (int i = 0; i < 64; ++i) fits = boost::json::object{{"a", std::move(fits)}};
    REQUIRE_FALSE(codec.encode(fits.as_object(), out));
    boost::json::object back;
    REQUIRE_FALSE(codec.decode(out, back));
    CHECK(back == fits.as_object());
}

TEST_CASE("session::auth_hasher is Django's session auth hash, with its legacy and fallback forms", "[store][django_session]") {
    // AbstractBaseUser(password=...).get_session_auth_hash() and friends, Django 3.2.
    const std::string password = "pbkdf2_sha256$260000$66b3f4NbxRjonZKHgqMkuH$HtNWCBwnzRcuU6VeQul5g6+2iHBbvUPajO3mM7M4NG4=";
    const std::string current = "69f4d7e823d3259c38b18901f819f1eba753dc5b4e087c29e45b3f89829e76f1";
    const std::string legacy = "ff8c0b12ad434bfb700be4fb73492cb362072930";
    const std::string by_old = "9d30a2f53e51b95a72c971b78ec5c835393d516f48a35d79666885f9b729a762";

    session::auth_hasher h{secret, rotated.fallbacks};
    CHECK(h.hash(password) == current);
    CHECK(h.check(current, password) == session::auth_hash_match::current);
    CHECK(h.check(legacy, password) == session::auth_hash_match::legacy_sha1);
    CHECK(h.check(by_old, password) == session::auth_hash_match::fallback);
    CHECK(h.check("", password) == session::auth_hash_match::none);
    CHECK(h.check(current, password + "x") == session::auth_hash_match::none);   // the password changed
    CHECK(h.check(current.substr(0, 63), password) == session::auth_hash_match::none);
    CHECK(session::auth_hasher{secret}.check(by_old, password) == session::auth_hash_match::none);
    CHECK(session::auth_hasher{secret, rotated.fallbacks, false}.check(legacy, password) == session::auth_hash_match::none);
    // The hash of a fallback secret is never produced.
    CHECK(session::auth_hasher{old_secret}.hash(password) == by_old);
}

TEST_CASE("session data agrees with Django's at test time in both directions", "[store][django_session][django]") {
    if (!warden_test::python_has("django")) {
        WARN("skipped: /usr/bin/python3 with Django is not available (the fixed vectors above still ran)");
        return;
    }
    const std::string alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)";
    const secret_keys k{.secret = crypto::random_string(50, alnum), .fallbacks = {crypto::random_string(50, alnum)}};
    const std::int64_t ts = 1'650'000'123;
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{ts}} + 500ms;
    const std::string password_hash = "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$" + crypto::random_string(22, alnum);

    // Dicts with what sessions hold: strings (escapes, non-ASCII, astral), numbers of every
    // kind Python writes differently, nesting, and sizes on both sides of compression.
    session::auth_hasher hasher{k.secret, k.fallbacks};
    std::vector<boost::json::object> sessions = {
        django::auth_session("42", hasher.hash(password_hash)),
        {},
        {{"s", "quote\" backslash\\ tab\t nl\n ctl\x01 del\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 </script>"}},
        {{"floats", boost::json::array{0.1, 1e16, 1e15, 1.5e-5, 0.0001, -0.0, 3.0, 123456.789, 5e-324, 1.7976931348623157e308}},
         {"ints", boost::json::array{0, -1, std::int64_t{INT64_MIN}, std::uint64_t{UINT64_MAX}}},
         {"other", boost::json::array{true, false, nullptr, boost::json::object{{"nested", boost::json::array{}}}}}},
    };
    boost::json::array cart;
    for (int i = 0; i < 100; ++i) cart.emplace_back("item-" + std::to_string(i % 9));
    sessions.push_back({{"_auth_user_id", "1"}, {"cart", cart}});

    django::session_codec codec{k};
    boost::json::array cases;
    for (const auto& s : sessions) {
        std::string ours;
        REQUIRE_FALSE(codec.encode(s, ours, now));
        std::string json;
        REQUIRE(warden::detail::py_dump(s, json));
        cases.push_back({{"json", json}, {"ours", ours}});
    }

    const char* script = R"PY(
import json, sys
inp = json.load(open(sys.argv[1]))
import django
from django.conf import settings
settings.configure(SECRET_KEY=inp["key"], INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                   "django.contrib.sessions"], DATABASES={})
django.setup()
from django.core import signing
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
signing.time.time = lambda: inp["ts"] + 0.5
store = SessionStore()
out = {"cases": []}
for c in inp["cases"]:
    d = json.loads(c["json"])
    out["cases"].append({
        "theirs": store.encode(d),
        "ours_decoded": json.dumps(store.decode(c["ours"]), separators=(",", ":")),
        "legacy": store._legacy_encode(d),
        "sha1": signing.TimestampSigner(salt=store.key_salt, algorithm="sha1").sign_object(d, compress=True),
        "old": signing.TimestampSigner(inp["old"], salt=store.key_salt).sign_object(d, compress=True),
    })
user = User(password=inp["password"])
out["auth_hash"] = user.get_session_auth_hash()
out["auth_hash_legacy"] = user._legacy_get_session_auth_hash()
print(json.dumps(out))
)PY";
    const auto result = warden_test::run_python_json(
        script, {{"key", k.secret}, {"old", k.fallbacks[0]}, {"ts", ts}, {"password", password_hash}, {"cases", cases}});
    const auto& rows = result.at("cases").as_array();
    REQUIRE(rows.size() == cases.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& c = cases[i].as_object();
        const auto& r = rows[i].as_object();
        INFO("session " << c.at("json").as_string());
        CHECK(r.at("theirs").as_string() == c.at("ours").as_string());             // byte-identical
        CHECK(r.at("ours_decoded").as_string() == c.at("json").as_string());       // Django reads ours
        for (const char* form : {"theirs", "legacy", "sha1", "old"}) {
            INFO("form " << form);
            boost::json::object back;
            REQUIRE_FALSE(codec.decode(std::string(r.at(form).as_string()), back));
            CHECK(back == sessions[i]);
        }
    }
    CHECK(hasher.check(std::string(result.at("auth_hash").as_string()), password_hash) == session::auth_hash_match::current);
    CHECK(hasher.hash(password_hash) == result.at("auth_hash").as_string());
    CHECK(hasher.check(std::string(result.at("auth_hash_legacy").as_string()), password_hash) ==
          session::auth_hash_match::legacy_sha1);
}
