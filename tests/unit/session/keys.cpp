// Session ids, the session auth hash and the cookies' attributes.
#include "support.hpp"

#include <warden/session/auth_hash.hpp>
#include <warden/session/cookies.hpp>
#include <warden/csrf/cookie.hpp>
#include <warden/core/host.hpp>
#include <warden/session/key.hpp>

#include <set>

using namespace warden;

TEST_CASE("new session ids are 32 characters of [a-z0-9] and do not repeat", "[session][key]") {
    std::set<std::string> seen;
    std::set<char> chars;
    for (int i = 0; i < 2000; ++i) {
        std::string k;
        REQUIRE_FALSE(session::new_key(k));
        CHECK(k.size() == 32);
        CHECK(session::is_valid_key(k));
        chars.insert(k.begin(), k.end());
        seen.insert(std::move(k));
    }
    CHECK(seen.size() == 2000);
    CHECK(chars.size() == 36);   // every character of the alphabet turns up
    CHECK(session::new_key() != session::new_key());
}

TEST_CASE("only ids of the issued shape are looked up", "[session][key]") {
    CHECK(session::is_valid_key("0123456789abcdefghijklmnopqrstuv"));
    CHECK_FALSE(session::is_valid_key(""));
    CHECK_FALSE(session::is_valid_key("short"));
    CHECK_FALSE(session::is_valid_key("0123456789abcdefghijklmnopqrstu"));     // 31
    CHECK_FALSE(session::is_valid_key("0123456789abcdefghijklmnopqrstuvw"));   // 33
    CHECK_FALSE(session::is_valid_key("0123456789ABCDEFGHIJKLMNOPQRSTUV"));    // upper case
    CHECK_FALSE(session::is_valid_key("0123456789abcdefghijklmnopqrst-!"));
    CHECK_FALSE(session::is_valid_key(std::string_view("0123456789abcdefghijklmnopqrst\0u", 32)));
}

TEST_CASE("a session's fingerprint names it without revealing it", "[session][key]") {
    const std::string k = session::new_key();
    const std::string f = session::key_fingerprint(k);
    CHECK(f.size() == 16);
    CHECK(f == session::key_fingerprint(k));
    CHECK(f != session::key_fingerprint(session::new_key()));
    CHECK(k.find(f) == std::string::npos);
}

TEST_CASE("the session auth hash is Django's salted HMAC-SHA-256 of the password hash", "[session][hash]") {
    // Both values computed with Django 3.2's salted_hmac(get_session_auth_hash's salt,
    // value, secret, algorithm="sha256").hexdigest().
    CHECK(session::auth_hasher{"test-secret"}.hash("pbkdf2_sha256$1000$salt$abc") ==
          "42ec7266ffdc4ce3b3d503886406747fbf2e92ac79741adbdb3b533786102025");
    CHECK(session::auth_hasher{""}.hash("") == "04f826608c68799422515aab74208756434d6e3574e8e4d0b21bc9275b8c85e7");
}

TEST_CASE("the auth hash changes with the password hash and the secret, and checks in constant time", "[session][hash]") {
    session::auth_hasher h{"secret-a"};
    const auto a = h.hash("pbkdf2_sha256$1000$s$one");
    CHECK(a.size() == 64);
    CHECK(h.matches("pbkdf2_sha256$1000$s$one", a));
    CHECK_FALSE(h.matches("pbkdf2_sha256$1000$s$two", a));
    CHECK_FALSE(session::auth_hasher{"secret-b"}.matches("pbkdf2_sha256$1000$s$one", a));
    CHECK_FALSE(h.matches("pbkdf2_sha256$1000$s$one", ""));
    CHECK_FALSE(h.matches("pbkdf2_sha256$1000$s$one", a.substr(0, 63)));
}

TEST_CASE("cookies carry Django's default attributes, Secure over TLS", "[session][cookie]") {
    const settings s = session_test::test_settings();
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
    CHECK(session::session_cookie(s, "k", false).to_header(now) ==
          "sessionid=k; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax");
    CHECK(session::session_cookie(s, "k", true).to_header(now).ends_with("; SameSite=Lax; Secure"));
    CHECK(csrf::csrf_cookie(s, "t", false).to_header(now) ==
          "csrftoken=t; expires=Tue, 12 Nov 2024 22:13:20 GMT; Max-Age=31449600; Path=/; SameSite=Lax");
    CHECK(csrf::csrf_cookie(s, "t", true).to_header(now).ends_with("; Secure"));
    CHECK(session::session_cookie_deletion(s, false).to_header(now) ==
          "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax");
    CHECK(session::session_cookie_deletion(s, true).to_header(now).ends_with("; Secure"));
}

TEST_CASE("cookie names, ages, domains, paths, SameSite and Secure come from the settings", "[session][cookie]") {
    settings s = session_test::test_settings();
    s.session.cookie_name = "__Host-sid";
    s.session.cookie_age = 3600;
    s.session.cookie_domain = ".example.com";
    s.session.cookie_path = "/app/";
    s.session.cookie_same_site = same_site::strict;
    s.session.cookie_secure = true;
    s.csrf.cookie_name = "xsrf";
    s.csrf.cookie_age = 60;
    s.csrf.cookie_same_site = same_site::none;
    s.csrf.cookie_secure = true;
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
    CHECK(session::session_cookie(s, "k", false).to_header(now) ==
          "__Host-sid=k; Domain=.example.com; expires=Tue, 14 Nov 2023 23:13:20 GMT; HttpOnly; Max-Age=3600; "
          "Path=/app/; SameSite=Strict; Secure");
    CHECK(csrf::csrf_cookie(s, "t", false).to_header(now) ==
          "xsrf=t; expires=Tue, 14 Nov 2023 22:14:20 GMT; Max-Age=60; Path=/; SameSite=None; Secure");
    CHECK(session::session_cookie_deletion(s, false).to_header(now) ==
          "__Host-sid=\"\"; Domain=.example.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app/; "
          "SameSite=Strict; Secure");
}

TEST_CASE("a request cookie is found with its presence, empty or quoted", "[session][cookie]") {
    auto lookup = [](std::string header, std::string_view name) -> std::optional<std::string> {
        http_request msg;
        msg.set(http::field::cookie, header);
        request req{msg};
        auto v = req.find_cookie(name);
        return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    };
    CHECK(lookup("sessionid=abc", "sessionid") == "abc");
    CHECK(lookup("a=1; sessionid=; b=2", "sessionid") == "");
    CHECK(lookup("sessionid=\"\"", "sessionid") == "");
    CHECK(lookup("sessionid=\"xyz\"", "sessionid") == "xyz");
    CHECK(lookup(" csrftoken = t ;sessionid=abc", "csrftoken") == "t");
    CHECK(lookup("sessionid2=abc; xsessionid=d", "sessionid") == std::nullopt);
    CHECK(lookup("sessionid", "sessionid") == std::nullopt);
    CHECK(lookup("sessionid=first; sessionid=second", "sessionid") == "first");
}

TEST_CASE("headers are found in the order received, Cookie fields apart included", "[session][cookie]") {
    http_request msg;
    msg.insert(http::field::cookie, "a=1");
    msg.insert("X-Other", "y");
    msg.insert(http::field::cookie, "sessionid=abc; a=2");
    msg.insert(http::field::host, "first.example");
    msg.insert(http::field::host, "second.example");
    request req{msg};
    CHECK(req.cookie("sessionid") == "abc");   // in the second Cookie field, after another field
    CHECK(req.cookie("a") == "1");             // the first occurrence wins
    CHECK(req.header(http::field::host) == "first.example");
    CHECK(req.header(http::field::origin).empty());
    CHECK_FALSE(req.has_header(http::field::origin));
    CHECK(count_field(msg, http::field::host) == 2);
    CHECK(count_field(msg, http::field::cookie) == 2);
    // Past detail::linear_fields fields the lookup is Beast's, with the same answers.
    for (std::size_t i = 0; i < detail::linear_fields; ++i) msg.insert("X-Filler-" + std::to_string(i), "f");
    msg.insert(http::field::origin, "https://late.example");
    msg.insert(http::field::host, "third.example");
    CHECK(find_field(msg, http::field::origin)->value() == "https://late.example");
    CHECK(find_field(msg, http::field::host)->value() == "first.example");
    CHECK(find_field(msg, http::field::referer) == msg.end());
    CHECK(count_field(msg, http::field::host) == 3);
    CHECK(count_field(msg, http::field::origin) == 1);
}

TEST_CASE("the host is validated as Django's get_host does", "[session][csrf]") {
    using warden::detail::validated_host;
    CHECK(validated_host("example.com") == "example.com");
    CHECK(validated_host("Example.COM:8443") == "Example.COM:8443");
    CHECK(validated_host("127.0.0.1:8000") == "127.0.0.1:8000");
    CHECK(validated_host("[::1]:8000") == "[::1]:8000");
    CHECK(validated_host("[2001:db8::1]") == "[2001:db8::1]");
    CHECK(validated_host("example.com.") == "example.com.");
    CHECK(validated_host("").empty());
    CHECK(validated_host(".").empty());
    CHECK(validated_host("exa mple.com").empty());
    CHECK(validated_host("example.com:").empty());
    CHECK(validated_host("example.com:80a").empty());
    CHECK(validated_host("user@example.com").empty());
    CHECK(validated_host("[::1").empty());
    CHECK(validated_host("[g::1]").empty());
    CHECK(validated_host("[1.2.3.4]").empty());
}
