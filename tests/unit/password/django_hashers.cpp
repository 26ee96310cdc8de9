// Django's Argon2, bcrypt_sha256 and PBKDF2 hashers: Django-made hashes (fixed, and made
// at test time by the Django on this machine) verify here, hashes made here verify in
// Django, and must_update is true exactly where Django's check_password calls its setter.
#include <warden/crypto/password.hpp>

#include <support/python.hpp>
#include <support/shared_data.hpp>   // hex_decode

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace warden::crypto;

namespace {

// "lètmein" in UTF-8, the password of Django's hasher tests.
const std::string django_password = "l\xc3\xa8tmein";

// Small work factors for everything that is not about Django's defaults; the live test
// configures Django's hashers with the same ones.
constexpr argon2_params fast_argon2{.time_cost = 1, .memory_cost = 256, .parallelism = 2};
constexpr password_policy fast_pbkdf2{.iterations = 1000};
constexpr password_policy fast_argon{.algorithm = password_algorithm::argon2, .argon2 = fast_argon2};
constexpr password_policy fast_bcrypt{.algorithm = password_algorithm::bcrypt_sha256, .bcrypt_rounds = 4};

// Made by Django 3.2 with Debian 12's argon2-cffi 21.1 and bcrypt 3.2 (see each comment).
// Argon2PasswordHasher with time_cost=1, memory_cost=256, parallelism=2; salt "seasaltseasaltseasalt1".
const std::string django_argon2_fast =
    "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g";
// Argon2PasswordHasher as shipped; salt "seasaltseasaltseasalt2".
const std::string django_argon2_default =
    "argon2$argon2id$v=19$m=102400,t=2,p=8$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0Mg$ZZHVxabBaOnBZ202RvlIIg";
// Django 1.10's Argon2 (argon2i, m=512, t=2, p=2), salt "seasaltseasalt": still verifies.
const std::string django_argon2i = "argon2$argon2i$v=19$m=512,t=2,p=2$c2Vhc2FsdHNlYXNhbHQ$QallDq/1zpg73Bt1RKe/jA";
// BCryptSHA256PasswordHasher, salts "$2b$04$abcdefghijklmnopqrstuu" and "$2b$12$...".
const std::string django_bcrypt4 = "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S";
const std::string django_bcrypt12 = "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuVrQ4zCyEDfwKOXCre954in7jn/y/.ua";
// PBKDF2SHA1PasswordHasher, 1000 iterations, salt "seasaltseasaltseasalt3".
const std::string django_pbkdf2_sha1 = "pbkdf2_sha1$1000$seasaltseasaltseasalt3$9AvD0ib1tfBRwjwYqWe010dNTDY=";

std::string made(std::string_view password, const password_policy& policy) {
    std::string out;
    REQUIRE_FALSE(make_password(password, out, policy));
    return out;
}

} // namespace

TEST_CASE("Django's iteration counts per release", "[password][django]") {
    CHECK(django_pbkdf2_iterations(django_version::v3_2) == 260'000);
    CHECK(django_pbkdf2_iterations(django_version::v4_0) == 320'000);
    CHECK(django_pbkdf2_iterations(django_version::v4_1) == 390'000);
    CHECK(django_pbkdf2_iterations(django_version::v4_2) == 600'000);
    CHECK(django_pbkdf2_iterations(django_version::v5_0) == 720'000);
    CHECK(django_pbkdf2_iterations(django_version::v5_1) == 870'000);
    CHECK(django_pbkdf2_iterations(django_version::v5_2) == 1'000'000);
    constexpr auto p = password_policy::for_django(django_version::v4_1, password_algorithm::argon2);
    static_assert(p.iterations == 390'000 && p.algorithm == password_algorithm::argon2);
    static_assert(password_policy{}.iterations == django_pbkdf2_iterations(django_version::v5_2));
    // A Django 4.2 hash is current under the 4.2 policy and re-hashed under the others.
    std::string h;
    REQUIRE_FALSE(encode_password("pw", make_password_salt(), 600'000, h));
    CHECK_FALSE(check_password("pw", h, password_policy::for_django(django_version::v4_2)).must_update);
    CHECK(check_password("pw", h, password_policy::for_django(django_version::v4_1)).must_update);
    CHECK(check_password("pw", h, password_policy::for_django(django_version::v5_0)).must_update);
}

TEST_CASE("Django-made Argon2 hashes verify, including Django's defaults and the old argon2i form",
          "[password][django][argon2]") {
    auto check = check_password(django_password, django_argon2_fast, fast_argon);
    CHECK(check.valid);
    CHECK_FALSE(check.must_update);
    CHECK_FALSE(check.error);
    CHECK_FALSE(check_password(django_password + "x", django_argon2_fast, fast_argon).valid);

    check = check_password(django_password, django_argon2_default, {.algorithm = password_algorithm::argon2});
    CHECK(check.valid);
    CHECK_FALSE(check.must_update);

    check = check_password(django_password, django_argon2i, fast_argon);
    CHECK(check.valid);
    CHECK(check.must_update);   // argon2i, other parameters, a 14-byte salt
    // Under a PBKDF2 policy every Argon2 hash is another hasher: re-hash.
    CHECK(check_password(django_password, django_argon2_fast, fast_pbkdf2).must_update);
}

TEST_CASE("Argon2 hashes made here are Django's strings for the same salt", "[password][django][argon2]") {
    std::string out;
    REQUIRE_FALSE(encode_argon2_password(django_password, "seasaltseasaltseasalt1", fast_argon2, out));
    CHECK(out == django_argon2_fast);
    REQUIRE_FALSE(encode_argon2_password(django_password, "seasaltseasalt",
                                         {.variant = argon2_variant::argon2i, .time_cost = 2, .memory_cost = 512,
                                          .parallelism = 2},
                                         out));
    CHECK(out == django_argon2i);
    // libargon2's own limits are refused up front, never reached.
    CHECK(encode_argon2_password("pw", "short", fast_argon2, out) == std::errc::invalid_argument);
    CHECK(encode_argon2_password("pw", "seasaltseasalt", {.memory_cost = 15, .parallelism = 2}, out) ==
          std::errc::invalid_argument);
    CHECK(encode_argon2_password("pw", "seasaltseasalt", {.version = 18}, out) == std::errc::invalid_argument);
    CHECK(encode_argon2_password("pw", "seasaltseasalt", {.time_cost = 0}, out) == std::errc::invalid_argument);
    CHECK(encode_argon2_password("pw", "seasaltseasalt", {.hash_length = 3}, out) == std::errc::invalid_argument);
}

TEST_CASE("Django-made bcrypt_sha256 hashes verify and match hashes made here", "[password][django][bcrypt]") {
    auto check = check_password(django_password, django_bcrypt4, fast_bcrypt);
    CHECK(check.valid);
    CHECK_FALSE(check.must_update);
    CHECK(check_password(django_password, django_bcrypt4, {.algorithm = password_algorithm::bcrypt_sha256}).must_update);
    CHECK_FALSE(check_password(django_password + "x", django_bcrypt4, fast_bcrypt).valid);
    check = check_password(django_password, django_bcrypt12, {.algorithm = password_algorithm::bcrypt_sha256});
    CHECK(check.valid);
    CHECK_FALSE(check.must_update);

    std::string out;
    REQUIRE_FALSE(encode_bcrypt_sha256_password(django_password, "abcdefghijklmnopqrstuu", 4, out));
    CHECK(out == django_bcrypt4);
    CHECK(encode_bcrypt_sha256_password("pw", "abcdefghijklmnopqrstu", 4, out) == std::errc::invalid_argument);
    CHECK(encode_bcrypt_sha256_password("pw", "abcdefghijklmnopqrstu$", 4, out) == std::errc::invalid_argument);
    CHECK(encode_bcrypt_sha256_password("pw", "abcdefghijklmnopqrstuu", 3, out) == std::errc::invalid_argument);
    CHECK(encode_bcrypt_sha256_password("pw", "abcdefghijklmnopqrstuu", 32, out) == std::errc::invalid_argument);

    // The SHA-256 step: passwords longer than bcrypt's 72 bytes are not truncated.
    const std::string long_password(100, 'a');
    const auto h = made(long_password, fast_bcrypt);
    CHECK(check_password(long_password, h, fast_bcrypt).valid);
    CHECK_FALSE(check_password(long_password.substr(0, 72), h, fast_bcrypt).valid);
    // $2a$ and $2y$ (accepted by Python's bcrypt, so by Django) give the same hash here.
    for (char minor : {'a', 'y'}) {
        std::string other = django_bcrypt4;
        other[std::string_view("bcrypt_sha256$$2").size()] = minor;
        CHECK(check_password(django_password, other, fast_bcrypt).valid);
    }
}

TEST_CASE("pbkdf2_sha1 verifies, and must update unless it is the preferred hasher", "[password][django]") {
    CHECK(check_password(django_password, django_pbkdf2_sha1, fast_pbkdf2).valid);
    CHECK(check_password(django_password, django_pbkdf2_sha1, fast_pbkdf2).must_update);
    password_policy sha1 = fast_pbkdf2;
    sha1.algorithm = password_algorithm::pbkdf2_sha1;
    CHECK_FALSE(check_password(django_password, django_pbkdf2_sha1, sha1).must_update);
    const auto h = made("pw", sha1);
    CHECK(h.starts_with("pbkdf2_sha1$1000$"));
    CHECK(check_password("pw", h, sha1).valid);
}

TEST_CASE("make_password produces each of Django's forms with fresh salts", "[password][django]") {
    std::set<std::string> seen;
    for (const auto& policy : {fast_pbkdf2, fast_argon, fast_bcrypt}) {
        for (int i = 0; i < 3; ++i) {
            const auto h = made("correct horse", policy);
            INFO(h);
            CHECK(identify_password_algorithm(h) == policy.algorithm);
            auto check = check_password("correct horse", h, policy);
            CHECK(check.valid);
            CHECK_FALSE(check.must_update);
            CHECK_FALSE(check_password("correct horsf", h, policy).valid);
            seen.insert(h);
        }
    }
    CHECK(seen.size() == 9);
    const auto a = made("pw", fast_argon);
    CHECK(a.starts_with("argon2$argon2id$v=19$m=256,t=1,p=2$"));
    const auto b = made("pw", fast_bcrypt);
    CHECK(b.starts_with("bcrypt_sha256$$2b$04$"));
    CHECK(b.size() == std::string_view("bcrypt_sha256$").size() + 60);
}

TEST_CASE("stored hashes above the policy's ceilings never verify and say why", "[password][django]") {
    const auto argon = made("pw", fast_argon);
    password_policy tight = fast_argon;
    CHECK(check_password("pw", argon, tight).valid);
    tight.max_argon2_memory_cost = 255;
    CHECK(check_password("pw", argon, tight).error == errc::password_work_factor_limit);
    tight = fast_argon;
    tight.max_argon2_time_cost = 0;
    CHECK(check_password("pw", argon, tight).error == errc::password_work_factor_limit);
    tight = fast_argon;
    tight.max_argon2_parallelism = 1;
    CHECK(check_password("pw", argon, tight).error == errc::password_work_factor_limit);
    // The defaults refuse a planted 4 GiB Argon2 hash before allocating anything.
    const std::string planted = "argon2$argon2id$v=19$m=4194304,t=1,p=1$c2Vhc2FsdHNlYXNhbHQ$QallDq/1zpg73Bt1RKe/jA";
    const auto c = check_password("pw", planted, fast_argon);
    CHECK_FALSE(c.valid);
    CHECK(c.error == errc::password_work_factor_limit);

    password_policy bcrypt_tight = fast_bcrypt;
    bcrypt_tight.max_bcrypt_rounds = 11;
    CHECK(check_password(django_password, django_bcrypt12, bcrypt_tight).error == errc::password_work_factor_limit);
    CHECK(check_password(django_password, "bcrypt_sha256$$2b$31$abcdefghijklmnopqrstuuVrQ4zCyEDfwKOXCre954in7jn/y/.ua",
                         fast_bcrypt)
              .error == errc::password_work_factor_limit);

    // A policy whose own work factor is above its ceiling is refused at make_password.
    std::string out;
    password_policy bad = fast_argon;
    bad.max_argon2_memory_cost = 128;
    CHECK(make_password("pw", out, bad) == std::errc::invalid_argument);
    bad = fast_bcrypt;
    bad.max_bcrypt_rounds = 3;
    CHECK(make_password("pw", out, bad) == std::errc::invalid_argument);
}

TEST_CASE("malformed Argon2 and bcrypt hashes never verify and are reported as such", "[password][django]") {
    auto refused = [](std::string_view encoded, const password_policy& policy) {
        INFO(encoded);
        const auto check = check_password(django_password, encoded, policy);
        CHECK_FALSE(check.valid);
        CHECK(check.error == errc::bad_password_hash);
    };
    const std::string argon_cases[] = {
        "argon2",
        "argon2$",
        "argon2$argon2x$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ",
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g$",
        "argon2$argon2id$v=20$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=019$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=0256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$t=1,m=256,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=2,x=1$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=0,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=8,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=0$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ==$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MR$CX1aKxeLBHrH1/zW2esh2g",
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdA$CX1aKxeLBHrH1/zW2esh2g",   // 6-byte salt
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1a",   // 3-byte hash
        "argon2$argon2id$v=19$m=256,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$CX1aKxeLBHrH1_zW2esh2g",
    };
    for (const auto& c : argon_cases) refused(c, fast_argon);
    const std::string bcrypt_cases[] = {
        "bcrypt_sha256",
        "bcrypt_sha256$",
        "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6",
        "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6SS",
        "bcrypt_sha256$$2x$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S",
        "bcrypt_sha256$$2b$03$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S",
        "bcrypt_sha256$$2b$4$$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S",
        "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6=",
        "bcrypt_sha256$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S",
    };
    for (const auto& c : bcrypt_cases) refused(c, fast_bcrypt);
    // A non-canonical last salt character is read as its canonical value by bcrypt, so the
    // re-encoded string differs: no match, as in Django.
    std::string loose = django_bcrypt4;
    loose[std::string_view("bcrypt_sha256$$2b$04$abcdefghijklmnopqrstu").size()] = 'v';
    CHECK_FALSE(check_password(django_password, loose, fast_bcrypt).valid);
}

TEST_CASE("unusable passwords and unknown algorithms never verify, with their own errors", "[password][django]") {
    for (const auto& policy : {fast_pbkdf2, fast_argon, fast_bcrypt}) {
        CHECK(check_password("", "!", policy).error == errc::unusable_password);
        CHECK(check_password("pw", make_unusable_password(), policy).error == errc::unusable_password);
        CHECK(check_password(django_password, "!" + django_argon2_fast, policy).error == errc::unusable_password);
        for (std::string_view unknown : {"", "md5$salt$hash", "sha1$$0123", "scrypt$16384$salt$8$1$hash",
                                         "bcrypt$$2b$04$abcdefghijklmnopqrstuulyx/yrfLnuLCi6gwFG5mrkJjuQKpL6S",
                                         "0123456789abcdef0123456789abcdef", "ARGON2$x"}) {
            INFO(unknown);
            const auto check = check_password("pw", unknown, policy);
            CHECK_FALSE(check.valid);
            CHECK(check.error == errc::unknown_password_algorithm);
            CHECK_FALSE(identify_password_algorithm(unknown));
        }
    }
    CHECK(errc::unknown_password_algorithm == std::error_code(errc::unknown_password_algorithm));
    CHECK(std::error_code(errc::unknown_password_algorithm).message() == "unknown password hashing algorithm");
}

TEST_CASE("every hasher agrees with Django's at test time, must_update included", "[password][django][crosscheck]") {
    if (!warden_test::python_has("django") || !warden_test::python_has("argon2") || !warden_test::python_has("bcrypt")) {
        WARN("skipped: /usr/bin/python3 with Django, argon2-cffi and bcrypt is not available "
             "(the fixed Django vectors above still ran)");
        return;
    }
    std::vector<std::string> passwords = {"", "simple", django_password, "\xe2\x98\x83 snow", "tab\tand space "};
    for (int i = 0; i < 3; ++i) passwords.push_back(random_string(5 + 30 * i, password_salt_chars));
    boost::json::array password_hex;
    for (const auto& p : passwords) password_hex.emplace_back(to_hex(std::string_view(p)));

    // Stored hashes made here: at the fast policies, and at every kind of difference
    // Django's must_update looks at.
    struct stored {
        std::string encoded;
        std::string password;
    };
    std::vector<stored> ours;
    for (const auto& p : {passwords[2], passwords[5]}) {
        auto add = [&](std::string h) { ours.push_back({std::move(h), p}); };
        std::string h;
        add(made(p, fast_pbkdf2));
        REQUIRE_FALSE(encode_password(p, make_password_salt(), 1001, h));
        add(h);
        REQUIRE_FALSE(encode_password(p, make_password_salt(), 999, h));
        add(h);
        REQUIRE_FALSE(encode_password(p, make_password_salt().substr(0, 21), 1000, h));
        add(h);
        REQUIRE_FALSE(encode_password(p, make_password_salt(), 1000, h, password_algorithm::pbkdf2_sha1));
        add(h);
        add(made(p, fast_argon));
        for (argon2_params other : {argon2_params{.time_cost = 2, .memory_cost = 256, .parallelism = 2},
                                    argon2_params{.time_cost = 1, .memory_cost = 264, .parallelism = 2},
                                    argon2_params{.time_cost = 1, .memory_cost = 256, .parallelism = 1},
                                    argon2_params{.time_cost = 1, .memory_cost = 256, .parallelism = 2, .hash_length = 32},
                                    argon2_params{.variant = argon2_variant::argon2i, .time_cost = 1, .memory_cost = 256,
                                                  .parallelism = 2},
                                    argon2_params{.version = 16, .time_cost = 1, .memory_cost = 256, .parallelism = 2}}) {
            REQUIRE_FALSE(encode_argon2_password(p, make_password_salt(), other, h));
            add(h);
        }
        REQUIRE_FALSE(encode_argon2_password(p, make_password_salt().substr(0, 12), fast_argon2, h));
        add(h);
        add(made(p, fast_bcrypt));
        password_policy five = fast_bcrypt;
        five.bcrypt_rounds = 5;
        add(made(p, five));
    }
    const std::pair<const char*, password_policy> preferred[] = {
        {"pbkdf2_sha256", fast_pbkdf2},
        {"pbkdf2_sha1", password_policy{.algorithm = password_algorithm::pbkdf2_sha1, .iterations = 1000}},
        {"argon2", fast_argon},
        {"bcrypt_sha256", fast_bcrypt},
    };
    boost::json::array checks;
    for (const auto& s : ours)
        for (const auto& [name, policy] : preferred)
            for (bool right : {true, false})
                checks.push_back({{"encoded", s.encoded},
                                  {"password", to_hex(std::string_view(right ? s.password : s.password + "!"))},
                                  {"preferred", name}});

    const char* script = R"PY(
import json, sys
inp = json.load(open(sys.argv[1]))
import django
from django.conf import settings
settings.configure(SECRET_KEY="x", PASSWORD_HASHERS=[
    "django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"])
django.setup()
from django.contrib.auth import hashers as h
class FastPBKDF2(h.PBKDF2PasswordHasher): iterations = 1000
class FastPBKDF2SHA1(h.PBKDF2SHA1PasswordHasher): iterations = 1000
class FastArgon2(h.Argon2PasswordHasher): time_cost = 1; memory_cost = 256; parallelism = 2
class FastBcrypt(h.BCryptSHA256PasswordHasher): rounds = 4
preferred = {"pbkdf2_sha256": FastPBKDF2(), "pbkdf2_sha1": FastPBKDF2SHA1(), "argon2": FastArgon2(),
             "bcrypt_sha256": FastBcrypt()}
out = {"made": [], "checks": []}
for pw_hex in inp["passwords"]:
    pw = bytes.fromhex(pw_hex).decode()
    for name, hasher in preferred.items():
        out["made"].append({"password": pw_hex, "preferred": name, "encoded": hasher.encode(pw, hasher.salt())})
for c in inp["checks"]:
    called = []
    ok = h.check_password(bytes.fromhex(c["password"]).decode(), c["encoded"], setter=lambda p: called.append(p),
                          preferred=preferred[c["preferred"]])
    out["checks"].append({"valid": ok, "must_update": bool(called)})
print(json.dumps(out))
)PY";
    const auto result = warden_test::run_python_json(script, {{"passwords", password_hex}, {"checks", checks}});

    // Django's hashes verify here, with no update under the policy that made them.
    const auto& made_by_django = result.at("made").as_array();
    REQUIRE(made_by_django.size() == passwords.size() * 4);
    for (const auto& m : made_by_django) {
        const std::string encoded(m.at("encoded").as_string());
        const auto password = warden_test::hex_decode(m.at("password").as_string());
        password_policy policy;
        for (const auto& [name, p] : preferred)
            if (m.at("preferred").as_string() == name) policy = p;
        INFO("django made " << encoded);
        const auto check = check_password(password, encoded, policy);
        CHECK(check.valid);
        CHECK_FALSE(check.must_update);
        CHECK_FALSE(check_password(password + "!", encoded, policy).valid);
    }

    // The same verdict and the same must_update as Django's check_password, both ways round.
    const auto& verdicts = result.at("checks").as_array();
    REQUIRE(verdicts.size() == checks.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto& c = checks[i].as_object();
        const std::string encoded(c.at("encoded").as_string());
        const auto password = warden_test::hex_decode(c.at("password").as_string());
        password_policy policy;
        for (const auto& [name, p] : preferred)
            if (c.at("preferred").as_string() == name) policy = p;
        INFO("stored " << encoded << " preferred " << c.at("preferred").as_string());
        const auto ours_check = check_password(password, encoded, policy);
        CHECK(ours_check.valid == verdicts[i].at("valid").as_bool());
        CHECK((ours_check.valid && ours_check.must_update) == verdicts[i].at("must_update").as_bool());
    }
}
