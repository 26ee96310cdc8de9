// The suite of the Django schema mode, over store_suite::django_backends: what only this
// mode has, the same over SQLite (tests/unit/store/django_sqlite.cpp) and PostgreSQL
// (tests/integration/store/django_postgres.cpp): Django's users as warden's, DRF's
// clear token keys (get_or_create raced by threads too), session data both sides read,
// simplejwt's tables, the one-column updates, Django's microseconds kept, and the
// refusal of a database without Django's tables or columns, or of options that cannot
// work.
//
// A fixture (warden_test::django_sqlite_backend in support/django_db.hpp, and
// django_postgres_backend) has:
// - `db`, a database of the test's own (a copy of one Django's migrations made), of
//   type `database`: `target()` (what the store and warden_test::django_run() take),
//   `where()` (how the store's messages name it), `exec(sql)` (set-up outside any
//   store), `tables()`; `database{false}` is one without tables; `database::absent()`
//   a target nothing is at, and `database::exists(target)`;
// - `store`, a `store_type` over it with the test site's `options()` (`options_type`),
//   and `reopen(options)`, another store over the same database;
// - `log_name(db)` (the store's name in the outage log), `absent_error` (what
//   construction reports for a database that does not exist) and
//   `make_warden_database(db)` (warden's own tables in it, none of Django's).
#ifndef WARDEN_TESTS_UNIT_STORE_SUITE_DJANGO_HPP
#define WARDEN_TESTS_UNIT_STORE_SUITE_DJANGO_HPP

#include "suite_common.hpp"

#include <support/django_db.hpp>

#include <warden/session/auth_hash.hpp>
#include <warden/store/django/options.hpp>
#include <warden/store/django/session_rows.hpp>
#include <warden/store/user_updates.hpp>
#include <warden/token/tokens.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace store_suite {

using warden_test::django_run;
using warden_test::django_secret;

inline std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Django's create_user, with a DRF token; returns {"id": ..., "key": ...}.
inline boost::json::value django_user(const std::string& db, const std::string& name, const std::string& password) {
    return django_run(db, R"PY(
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
u = User.objects.create_user(INPUT["name"], INPUT["name"] + "@example.com", INPUT["password"], first_name="First")
OUTPUT = {"id": u.id, "key": Token.objects.create(user=u).key}
)PY", {{"name", name}, {"password", password}});
}

// What constructing the fixture's store over `target` throws as std::system_error
// (its message in `what`); none when it opens.
template <class B>
std::error_code construction_error(const std::string& target, const typename B::options_type& o, std::string* what = nullptr) {
    try {
        typename B::store_type s{target, o};
    } catch (const std::system_error& e) {
        if (what) *what = e.what();
        return e.code();
    }
    return {};
}

TEMPLATE_LIST_TEST_CASE("a Django store keeps DRF's keyed tokens, changes single user fields and has simplejwt's blacklist",
                        "[store][django]", django_backends) {
    using S = typename TestType::store_type;
    STATIC_REQUIRE(keyed_token_store<S>);
    STATIC_REQUIRE(detail::service_provides<S, tokens_tag>::value);
    STATIC_REQUIRE(user_field_backend<S>);
    STATIC_REQUIRE(jwt_blacklist_store<S>);
}

TEMPLATE_LIST_TEST_CASE("a Django user, with first and last name, reads as a warden user", "[store][django]", django_backends) {
    TestType b;
    auto made = django_user(b.db.target(), "alice", "alice-pass");
    auto& s = b.store;
    auto u = s.find_user_by_username("alice");
    REQUIRE(u);
    CHECK(u->id == made.at("id").as_int64());
    CHECK(u->email == "alice@example.com");
    CHECK(u->first_name == "First");
    CHECK(u->last_name.empty());
    CHECK(u->is_active);
    CHECK(u->password.starts_with("pbkdf2_sha256$"));
    CHECK(std::abs(u->date_joined - now_s()) < 60);
    CHECK(u->last_login == 0);
    // The outage log says which store (never a password).
    CHECK(s.backend().name() == TestType::log_name(b.db));
}

TEMPLATE_LIST_TEST_CASE("DRF's clear token keys: found by key, get_or_create, revoked, one per user", "[store][django][tokens]",
                        django_backends) {
    TestType b;
    auto made = django_user(b.db.target(), "alice", "alice-pass");
    const std::string drf_key(made.at("key").as_string());
    const auto uid = made.at("id").as_int64();
    auto& s = b.store;

    // Named: GCC 12 stops with an internal compiler error on a temporary of it as an
    // argument here.
    const settings defaults;
    std::error_code ec;
    auto hit = token::find(s, drf_key, token::digest_key(drf_key), ec);
    REQUIRE_FALSE(ec);
    REQUIRE(hit);
    CHECK(hit->owner->username == "alice");
    CHECK(hit->token.user_id == uid);
    CHECK(hit->token.expires_at == 0);
    CHECK(std::abs(hit->token.created - now_s()) < 60);
    CHECK(hit->token.digest == token::digest_key(drf_key));
    CHECK_FALSE(token::find(s, std::string(40, 'a'), token::digest_key(std::string(40, 'a')), ec));
    CHECK_FALSE(ec);

    // obtain_auth_token: the existing key, as DRF's get_or_create.
    std::string key;
    REQUIRE_FALSE(token::issue(s, uid, defaults, now_s(), key));
    CHECK(key == drf_key);

    // Revoked (warden token revoke, logout): gone for Django too; the next obtain makes a new one.
    CHECK(token::revoke(s, drf_key));
    CHECK(django_run(b.db.target(), "from rest_framework.authtoken.models import Token\nOUTPUT = Token.objects.count()") == 0);
    REQUIRE_FALSE(token::issue(s, uid, defaults, 1'900'000'000, key));
    CHECK(key != drf_key);
    CHECK(token::is_well_formed_key(key));
    auto seen = django_run(b.db.target(), R"PY(
from rest_framework.authtoken.models import Token
t = Token.objects.get()
OUTPUT = [t.key, t.user.username, t.created.isoformat()]
)PY");
    CHECK(seen.at(0).as_string() == key);
    CHECK(seen.at(1).as_string() == "alice");
    CHECK(seen.at(2).as_string() == "2030-03-17T17:46:40+00:00");
    CHECK(s.remove_user_tokens(uid) == 1);
    CHECK(s.remove_user_tokens(uid) == 0);
    CHECK_FALSE(s.remove_token_by_key(key));

    // An unknown user has no token to get or create.
    CHECK(token::issue(s, uid + 100, defaults, now_s(), key) == store_errc::not_found);
    CHECK(django_run(b.db.target(), "from rest_framework.authtoken.models import Token\nOUTPUT = Token.objects.count()") == 0);
}

TEMPLATE_LIST_TEST_CASE("get_or_create raced by threads makes one key, which every caller gets",
                        "[store][django][tokens][concurrency]", django_backends) {
    TestType b;
    const auto uid = django_user(b.db.target(), "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;
    REQUIRE(s.remove_user_tokens(uid) == 1);
    std::vector<std::string> keys(thread_count);
    std::atomic<int> failures{0};
    run_threads([&](int t) {
        std::error_code ec;
        keys[t] = s.user_token_key(uid, now_s(), ec);
        if (ec) ++failures;
    });
    CHECK(failures.load() == 0);
    CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 1);
    CHECK(s.find_token_by_key(keys[0]));
    // Concurrent blacklisting of one jti: exactly one blacklists it.
    std::atomic<int> fresh{0};
    run_threads([&](int) {
        std::error_code ec;
        if (s.blacklist("jti-raced", 1'900'086'400, 1'900'000'000, ec)) ++fresh;
        if (ec) ++failures;
    });
    CHECK(fresh.load() == 1);
    CHECK(failures.load() == 0);
}

TEMPLATE_LIST_TEST_CASE("a session warden writes is Django's login session, and Django's reads back", "[store][django][sessions]",
                        django_backends) {
    TestType b;
    const std::string& db = b.db.target();
    const auto uid = django_user(db, "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;
    auto alice = s.find_user(uid);
    const session::auth_hasher hasher{django_secret};

    session_record r;
    r.key = "w0rdenw0rdenw0rdenw0rdenw0rden01";
    r.user_id = uid;
    r.auth_hash = hasher.hash(alice->password);
    r.expires_at = now_s() + 3600;
    REQUIRE_FALSE(s.create_session(r));

    // Django's SessionStore and get_user see alice logged in, until the expiry warden wrote.
    auto seen = django_run(db, R"PY(
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.http import HttpRequest
req = HttpRequest()
req.session = SessionStore(session_key=INPUT["key"])
OUTPUT = [dict(req.session), get_user(req).username, Session.objects.get(pk=INPUT["key"]).expire_date.timestamp()]
)PY", {{"key", r.key}});
    CHECK(seen.at(0).at("_auth_user_id").as_string() == std::to_string(uid));
    CHECK(seen.at(0).at("_auth_user_backend").as_string() == "django.contrib.auth.backends.ModelBackend");
    CHECK(seen.at(1).as_string() == "alice");
    CHECK(seen.at(2).to_number<double>() == static_cast<double>(r.expires_at));

    // A session Django's login() made, with data of the site's own: warden reads the
    // user, and saving keeps the site's data.
    auto django_key = django_run(db, R"PY(
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest
req = HttpRequest()
req.session = SessionStore()
req.session["cart"] = [1, 2, 3]
login(req, User.objects.get(username="alice"), backend="django.contrib.auth.backends.ModelBackend")
req.session.save()
OUTPUT = req.session.session_key
)PY");
    const std::string dk(django_key.as_string());
    auto loaded = s.load_session(dk, now_s());
    REQUIRE(loaded);
    CHECK(loaded->user_id == uid);
    CHECK(hasher.matches(alice->password, loaded->auth_hash));
    // Django's expiry (two weeks, with microseconds) reads to the second.
    CHECK(std::abs(loaded->expires_at - (now_s() + 1'209'600)) < 60);
    loaded->csrf_secret = "secret-in-session";
    loaded->expires_at = now_s() + 7200;
    REQUIRE_FALSE(s.save_session(*loaded));
    auto kept = django_run(db, R"PY(
from django.contrib.sessions.backends.db import SessionStore
OUTPUT = dict(SessionStore(session_key=INPUT["key"]).load())
)PY", {{"key", dk}});
    CHECK(kept.at("cart") == boost::json::array{1, 2, 3});
    CHECK(kept.at("_csrftoken").as_string() == "secret-in-session");
    CHECK(kept.at("_auth_user_id").as_string() == std::to_string(uid));

    // delete_user_sessions finds both by decoding the rows; another user's stays.
    auto bob = django_user(db, "bob", "bob-pass");
    session_record other = r;
    other.key = "b0bb0bb0bb0bb0bb0bb0bb0bb0bb0b01";
    other.user_id = bob.at("id").as_int64();
    REQUIRE_FALSE(s.create_session(other));
    CHECK(s.delete_user_sessions(uid) == 2);
    CHECK(s.load_session(other.key, now_s()));
}

TEMPLATE_LIST_TEST_CASE("session data under another secret, a backend the site does not list, or garbage is anonymous",
                        "[store][django][sessions]", django_backends) {
    TestType b;
    const auto uid = django_user(b.db.target(), "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;
    auto made_with = [&](const std::string& secret, const std::string& backend) {
        django::session_rows rows{{.secret_key = secret, .authentication_backends = {backend}}};
        session_record r;
        r.user_id = uid;
        r.auth_hash = "h";
        std::string data;
        REQUIRE_FALSE(rows.write(r, {}, data));
        return data;
    };
    const auto ours_data = made_with(django_secret, "django.contrib.auth.backends.ModelBackend");
    // The rows' codec.
    django::session_rows ours{{.secret_key = django_secret}};
    CHECK(ours.read("k", ours_data, 9).user_id == uid);
    CHECK(ours.read("k", made_with("another-secret", "django.contrib.auth.backends.ModelBackend"), 9).user_id == 0);
    CHECK(ours.read("k", made_with(django_secret, "myapp.backends.Other"), 9).user_id == 0);
    CHECK(ours.read("k", "not:session:data", 9).user_id == 0);
    django::session_rows rotated_rows{{.secret_key = "new-secret", .secret_key_fallbacks = {django_secret}}};
    CHECK(rotated_rows.read("k", ours_data, 9).user_id == uid);

    // Rows in the table as another site (or another secret) would have written them.
    auto put = [&](const std::string& key, const std::string& data) {
        REQUIRE(b.db.exec("INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('" + key + "', '" + data +
                          "', '2099-01-01 00:00:00')"));
    };
    put("ours", ours_data);
    put("another-secret", made_with("another-secret", "django.contrib.auth.backends.ModelBackend"));
    put("other-backend", made_with(django_secret, "myapp.backends.Other"));
    put("garbage", "not:session:data");
    CHECK(s.load_session("ours", now_s())->user_id == uid);
    CHECK(s.load_session("another-secret", now_s())->user_id == 0);
    CHECK(s.load_session("other-backend", now_s())->user_id == 0);
    CHECK(s.load_session("garbage", now_s())->user_id == 0);
    // Only the session that reads as alice's is hers.
    CHECK(s.delete_user_sessions(uid) == 1);
    // SECRET_KEY_FALLBACKS: data signed with a former key still reads.
    auto rotated = TestType::options();
    rotated.secret_key = "new-secret";
    rotated.secret_key_fallbacks = {django_secret};
    auto r2 = b.reopen(rotated);
    put("former-key", ours_data);
    CHECK(r2.load_session("former-key", now_s())->user_id == uid);
}

TEMPLATE_LIST_TEST_CASE("logins and hash upgrades change one column, never a stale copy of the user", "[store][django][users]",
                        django_backends) {
    TestType b;
    const auto uid = django_user(b.db.target(), "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;
    auto stale = s.find_user(uid);
    // Meanwhile the Django site switches the account off.
    django_run(b.db.target(), "from django.contrib.auth.models import User\nUser.objects.filter(id=INPUT['id']).update(is_active=False)",
               {{"id", uid}});
    REQUIRE_FALSE(record_login(s, *stale, 1'800'000'000));
    REQUIRE_FALSE(set_user_password(s, *stale, "pbkdf2_sha256$1$new$hash"));
    auto now = s.find_user(uid);
    CHECK_FALSE(now->is_active);   // not written back
    CHECK(now->last_login == 1'800'000'000);
    CHECK(now->password == "pbkdf2_sha256$1$new$hash");
    auto django_view = django_run(b.db.target(), R"PY(
from django.contrib.auth.models import User
u = User.objects.get(id=INPUT["id"])
OUTPUT = [u.last_login.isoformat(), u.is_active]
)PY", {{"id", uid}});
    CHECK(django_view.at(0).as_string() == "2027-01-15T08:00:00+00:00");
    CHECK(s.set_last_login(uid + 100, 1) == store_errc::not_found);
    CHECK(s.set_user_password(uid + 100, "x") == store_errc::not_found);
}

TEMPLATE_LIST_TEST_CASE("update_user keeps Django's microseconds when a time is written back to the same second",
                        "[store][django][users]", django_backends) {
    TestType b;
    const auto uid = django_user(b.db.target(), "alice", "alice-pass").at("id").as_int64();
    const char* times = R"PY(
from django.contrib.auth.models import User
from django.utils import timezone
import datetime
if INPUT.get("login"):
    User.objects.filter(id=INPUT["id"]).update(last_login=datetime.datetime(2027, 1, 15, 8, 0, 0, 654321, tzinfo=datetime.timezone.utc))
u = User.objects.get(id=INPUT["id"])
OUTPUT = [u.date_joined.isoformat(), u.last_login.isoformat() if u.last_login else None, u.first_name]
)PY";
    auto before = django_run(b.db.target(), times, {{"id", uid}, {"login", true}});
    auto& s = b.store;
    auto u = *s.find_user(uid);
    CHECK(u.last_login == 1'800'000'000);   // 08:00:00.654321 reads as its second
    u.first_name = "Alice";
    REQUIRE_FALSE(s.update_user(u));
    auto after = django_run(b.db.target(), times, {{"id", uid}});
    CHECK(after.at(0) == before.at(0));
    CHECK(after.at(1).as_string() == "2027-01-15T08:00:00.654321+00:00");
    CHECK(after.at(2).as_string() == "Alice");
    // Another second is written as given; 0 clears the last login.
    u.date_joined = 1'700'000'000;
    u.last_login = 0;
    REQUIRE_FALSE(s.update_user(u));
    after = django_run(b.db.target(), times, {{"id", uid}});
    CHECK(after.at(0).as_string() == "2023-11-14T22:13:20+00:00");
    CHECK(after.at(1).is_null());
}

TEMPLATE_LIST_TEST_CASE("simplejwt's tables: warden's blacklist is simplejwt's, dependents deleted first", "[store][django][jwt]",
                        django_backends) {
    TestType b;
    const auto uid = django_user(b.db.target(), "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;

    REQUIRE_FALSE(s.add_outstanding({"jti-outstanding", uid, 1'900'000'000, 1'900'086'400}));
    REQUIRE_FALSE(s.add_outstanding({"jti-outstanding", uid, 1'900'000'000, 1'900'086'400}));   // idempotent
    CHECK(s.blacklist("jti-outstanding", 1'900'086'400, 1'900'000'100));
    CHECK_FALSE(s.blacklist("jti-outstanding", 1'900'086'400, 1'900'000'200));
    // Unknown to the outstanding table: its row is made first, as simplejwt's blacklist().
    CHECK(s.blacklist("jti-unseen", 1'900'086'400, 1'900'000'100));
    CHECK(s.is_blacklisted("jti-unseen"));
    CHECK_FALSE(s.is_blacklisted("jti-other"));
    REQUIRE_FALSE(s.add_outstanding({"jti-second", uid, 1'900'000'000, 1'700'000'000}));
    CHECK(s.blacklist_user(uid, 1'900'000'300) == 1);   // the one not yet blacklisted

    // simplejwt sees them blacklisted.
    auto seen = django_run(b.db.target(), R"PY(
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
o = OutstandingToken.objects.get(jti="jti-outstanding")
OUTPUT = sorted([b.token.jti for b in BlacklistedToken.objects.all()]) + [o.user.username, o.created_at.isoformat(),
         OutstandingToken.objects.get(jti="jti-unseen").user]
)PY");
    CHECK(seen == boost::json::array{"jti-outstanding", "jti-second", "jti-unseen", "alice", "2030-03-17T17:46:40+00:00", nullptr});

    // An outstanding token of a user that does not exist breaks Django's foreign key.
    CHECK(s.add_outstanding({"jti-ghost", uid + 100, 1'900'000'000, 1'900'086'400}) == store_errc::not_found);

    // jti-second expired long ago: it and its blacklist row go, in that order.
    CHECK(s.purge_expired_jwt(1'800'000'000) == 2);
    CHECK_FALSE(s.is_blacklisted("jti-second"));
    CHECK(s.is_blacklisted("jti-outstanding"));
    CHECK(s.purge_expired_jwt(1'800'000'000) == 0);
}

TEMPLATE_LIST_TEST_CASE("a database without Django's tables or columns is refused, naming the table, manage.py migrate and the "
                        "database", "[store][django]", django_backends) {
    using database = typename TestType::database;
    const auto options = TestType::options();
    std::string what;
    {
        database empty{false};
        TestType::make_warden_database(empty);   // a warden database: none of Django's tables
        const auto before = empty.tables();
        REQUIRE_FALSE(before.empty());
        CHECK(construction_error<TestType>(empty.target(), options, &what) == store_errc::schema);
        CHECK_THAT(what, Catch::Contains(django::missing_table_message("auth_user")) && Catch::Contains("auth_user") &&
                             Catch::Contains("manage.py migrate") && Catch::Contains(empty.where()));
        CHECK(empty.tables() == before);   // nothing created
    }
    // Each table is required: drop the blacklist's.
    {
        database db;
        REQUIRE(db.exec("DROP TABLE token_blacklist_blacklistedtoken"));
        CHECK(construction_error<TestType>(db.target(), options, &what) == store_errc::schema);
        CHECK_THAT(what, Catch::Contains("token_blacklist_blacklistedtoken") && Catch::Contains("rest_framework_simplejwt.token_blacklist"));
    }
    // A table without a column warden reads.
    {
        database db;
        REQUIRE(db.exec("ALTER TABLE auth_user DROP COLUMN first_name"));
        CHECK(construction_error<TestType>(db.target(), options, &what) == store_errc::schema);
        CHECK_THAT(what, Catch::Contains("lack columns") && Catch::Contains("auth_user"));
    }
    // A database that does not exist is not created.
    const std::string absent = database::absent();
    CHECK(construction_error<TestType>(absent, options, &what) == TestType::absent_error);
    CHECK_THAT(what, Catch::Contains(database::where(absent)));
    CHECK_FALSE(database::exists(absent));
    // A migrated database is left as Django made it.
    database db;
    const auto migrated = db.tables();
    REQUIRE_FALSE(migrated.empty());
    { auto s = typename TestType::store_type{db.target(), options}; }
    CHECK(db.tables() == migrated);
    CHECK(migrated.find("warden") == std::string::npos);
}

TEMPLATE_LIST_TEST_CASE("AUTH_USER_MODEL's table is configurable and options are checked", "[store][django]", django_backends) {
    using S = typename TestType::store_type;
    typename TestType::database db;
    auto o = TestType::options();
    o.user_table = "accounts_user";
    CHECK_THROWS_WITH((S{db.target(), o}), Catch::Contains("accounts_user") && Catch::Contains("migrate"));
    o.user_table = "auth_user; DROP TABLE x";
    CHECK_THROWS_AS((S{db.target(), o}), std::invalid_argument);
    o = TestType::options();
    o.secret_key.clear();
    CHECK_THROWS_WITH((S{db.target(), o}), Catch::Contains("SECRET_KEY"));
}

} // namespace store_suite

#endif
