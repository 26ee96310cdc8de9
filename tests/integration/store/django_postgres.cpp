// The Django schema mode over PostgreSQL: the user and session suites on Django's own
// tables (a database Django's migrations made at test time), then what only this mode
// has, as tests/unit/store/django_sqlite.cpp checks it over SQLite: DRF's clear token
// keys, session data both sides read, simplejwt's tables, the one-column updates, the
// refusal of a database without Django's tables; and what is particular to PostgreSQL:
// get_or_create raced by threads, Django's microseconds kept, the search_path option,
// and a server that cannot be reached.
//
// Needs WARDEN_TEST_PG (a postgresql:// URL; ./scripts/test sets it) and
// /usr/bin/python3 with Django, DRF, simplejwt and psycopg2. Once per process a
// database warden_dj_tmpl_<hex> is made on that server and migrated by Django; each
// test gets its own copy (CREATE DATABASE ... TEMPLATE), dropped when it ends.
#include <support/django_db.hpp>
#include <support/postgres_backend.hpp>

#include <warden/store/django/postgres_store.hpp>

#include <libpq-fe.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace warden_test {

namespace {

// WARDEN_TEST_PG with another database name.
std::string pg_url_of(const std::string& dbname) {
    const std::string& base = pg_url();
    const auto authority = base.find("://");
    if (authority == std::string::npos) throw std::invalid_argument("WARDEN_TEST_PG must be a postgresql:// URL");
    const auto query = base.find('?', authority + 3);
    const std::string head = base.substr(0, query), tail = query == std::string::npos ? "" : base.substr(query);
    const auto slash = head.find('/', authority + 3);
    return (slash == std::string::npos ? head : head.substr(0, slash)) + "/" + dbname + tail;
}

// Runs SQL on the database at `url` (set-up only).
bool pg_exec_on(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult* r = PQexec(c, sql.c_str());
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok) UNSCOPED_INFO("PostgreSQL: " << PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

void drop_database(const std::string& name) { pg_exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }

// The migrated database every test copies, made at the first test and dropped at exit.
class django_pg_template {
public:
    django_pg_template() : name_("warden_dj_tmpl_" + warden::crypto::random_hex(6)) {
        REQUIRE(pg_exec("CREATE DATABASE " + name_));
        try {
            django_run(pg_url_of(name_), "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n");
        } catch (...) {
            drop_database(name_);
            throw;
        }
    }
    django_pg_template(const django_pg_template&) = delete;
    django_pg_template& operator=(const django_pg_template&) = delete;
    ~django_pg_template() { drop_database(name_); }
    const std::string& name() const noexcept { return name_; }

private:
    std::string name_;
};

const std::string& django_pg_template_db() {
    static const django_pg_template t;
    return t.name();
}

// A database of its own for one test: a copy of the migrated one (`migrated`), or empty.
class django_pg_db {
public:
    explicit django_pg_db(bool migrated = true) : name_("warden_dj_" + warden::crypto::random_hex(8)) {
        REQUIRE(pg_exec("CREATE DATABASE " + name_ + (migrated ? " TEMPLATE " + django_pg_template_db() : std::string())));
    }
    django_pg_db(const django_pg_db&) = delete;
    django_pg_db& operator=(const django_pg_db&) = delete;
    ~django_pg_db() { drop_database(name_); }
    const std::string& name() const noexcept { return name_; }
    std::string url() const { return pg_url_of(name_); }

private:
    std::string name_;
};

warden::django::postgres_options pg_django_options() {
    warden::django::postgres_options o;
    o.secret_key = django_secret;
    return o;
}

// The Django schema store over PostgreSQL, for the store suites.
struct django_postgres_backend {
    static constexpr const char* name = "django postgres";
    django_pg_db db;   // declared first: the store closes its connections before the database goes
    warden::django::postgres_store store{db.url(), pg_django_options()};
};

} // namespace

} // namespace warden_test

namespace store_suite {
using warden_test::django_postgres_backend;
using user_backends = std::tuple<django_postgres_backend>;
using session_backends = std::tuple<django_postgres_backend>;
} // namespace store_suite

#include <unit/store/suite_sessions.hpp>
#include <unit/store/suite_users.hpp>

#include <warden/session/auth_hash.hpp>
#include <warden/store/django/session_rows.hpp>
#include <warden/store/user_updates.hpp>
#include <warden/token/tokens.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

using namespace warden;
using warden_test::django_pg_db;
using warden_test::django_run;
using warden_test::django_secret;
using warden_test::pg_django_options;

namespace {

// Skips the executable without a server, or without Django and psycopg2.
const bool present = (warden_test::pg_url(), warden_test::require_django(true));

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Django's create_user, with a DRF token; returns {"id": ..., "key": ...}.
boost::json::value django_user(const std::string& db, const std::string& name, const std::string& password) {
    return django_run(db, R"PY(
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
u = User.objects.create_user(INPUT["name"], INPUT["name"] + "@example.com", INPUT["password"], first_name="First")
OUTPUT = {"id": u.id, "key": Token.objects.create(user=u).key}
)PY", {{"name", name}, {"password", password}});
}

std::error_code construction_error(const std::string& url, const django::postgres_options& o, std::string* what = nullptr) {
    try {
        django::postgres_store s{url, o};
    } catch (const std::system_error& e) {
        if (what) *what = e.what();
        return e.code();
    }
    return {};
}

} // namespace

TEST_CASE("a Django user, with first and last name, reads as a warden user", "[store][django][postgres]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    django::postgres_store s{db.url(), pg_django_options()};
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
    // Named by its server, never a password; the outage log says which store.
    CHECK(s.where() == warden::detail::pg::describe(db.url()));
    CHECK(s.backend().name() == "django " + s.where());
    CHECK(django::postgres_store::is_url(db.url()));
    CHECK_FALSE(django::postgres_store::is_url("/srv/site/db.sqlite3"));
}

TEST_CASE("DRF's clear token keys: found by key, get_or_create, revoked, one per user", "[store][django][postgres][tokens]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    const std::string drf_key(made.at("key").as_string());
    const auto uid = made.at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    STATIC_REQUIRE(keyed_token_store<django::postgres_store>);
    STATIC_REQUIRE(detail::service_provides<django::postgres_store, tokens_tag>::value);

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
    REQUIRE_FALSE(token::issue(s, uid, settings{}, now_s(), key));
    CHECK(key == drf_key);

    // Revoked (warden token revoke, logout): gone for Django too; the next obtain makes a new one.
    CHECK(token::revoke(s, drf_key));
    CHECK(django_run(db.url(), "from rest_framework.authtoken.models import Token\nOUTPUT = Token.objects.count()") == 0);
    REQUIRE_FALSE(token::issue(s, uid, settings{}, 1'900'000'000, key));
    CHECK(key != drf_key);
    CHECK(token::is_well_formed_key(key));
    auto seen = django_run(db.url(), R"PY(
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
    CHECK(token::issue(s, uid + 100, settings{}, now_s(), key) == store_errc::not_found);
    CHECK(django_run(db.url(), "from rest_framework.authtoken.models import Token\nOUTPUT = Token.objects.count()") == 0);
}

TEST_CASE("get_or_create raced by threads makes one key, which every caller gets", "[store][django][postgres][tokens][concurrency]") {
    django_pg_db db;
    const auto uid = django_user(db.url(), "alice", "alice-pass").at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    REQUIRE(s.remove_user_tokens(uid) == 1);
    std::vector<std::string> keys(store_suite::thread_count);
    std::atomic<int> failures{0};
    store_suite::run_threads([&](int t) {
        std::error_code ec;
        keys[t] = s.user_token_key(uid, now_s(), ec);
        if (ec) ++failures;
    });
    CHECK(failures.load() == 0);
    CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 1);
    CHECK(s.find_token_by_key(keys[0]));
    // Concurrent blacklisting of one jti: exactly one blacklists it.
    std::atomic<int> fresh{0};
    store_suite::run_threads([&](int) {
        std::error_code ec;
        if (s.blacklist("jti-raced", 1'900'086'400, 1'900'000'000, ec)) ++fresh;
        if (ec) ++failures;
    });
    CHECK(fresh.load() == 1);
    CHECK(failures.load() == 0);
}

TEST_CASE("a session warden writes is Django's login session, and Django's reads back", "[store][django][postgres][sessions]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    const auto uid = made.at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    auto alice = s.find_user(uid);
    const session::auth_hasher hasher{django_secret};

    session_record r;
    r.key = "w0rdenw0rdenw0rdenw0rdenw0rden01";
    r.user_id = uid;
    r.auth_hash = hasher.hash(alice->password);
    r.expires_at = now_s() + 3600;
    REQUIRE_FALSE(s.create_session(r));

    // Django's SessionStore and get_user see alice logged in.
    auto seen = django_run(db.url(), R"PY(
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
    auto django_key = django_run(db.url(), R"PY(
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
    auto kept = django_run(db.url(), R"PY(
from django.contrib.sessions.backends.db import SessionStore
OUTPUT = dict(SessionStore(session_key=INPUT["key"]).load())
)PY", {{"key", dk}});
    CHECK(kept.at("cart") == boost::json::array{1, 2, 3});
    CHECK(kept.at("_csrftoken").as_string() == "secret-in-session");
    CHECK(kept.at("_auth_user_id").as_string() == std::to_string(uid));

    // delete_user_sessions finds both by decoding the rows; another user's stays.
    auto bob = django_user(db.url(), "bob", "bob-pass");
    session_record other = r;
    other.key = "b0bb0bb0bb0bb0bb0bb0bb0bb0bb0b01";
    other.user_id = bob.at("id").as_int64();
    REQUIRE_FALSE(s.create_session(other));
    CHECK(s.delete_user_sessions(uid) == 2);
    CHECK(s.load_session(other.key, now_s()));
}

TEST_CASE("delete_user_sessions scans a table of many pages, keys with quotes and backslashes included",
          "[store][django][postgres][sessions]") {
    django_pg_db db;
    django::postgres_store s{db.url(), pg_django_options()};
    // 2500 rows (three pages of the scan), every 7th alice's, made in one statement.
    django::session_rows rows{{.secret_key = django_secret}};
    session_record r;
    r.user_id = 1;
    r.auth_hash = "h";
    std::string alice_data, bob_data;
    REQUIRE_FALSE(rows.write(r, {}, alice_data));
    r.user_id = 2;
    REQUIRE_FALSE(rows.write(r, {}, bob_data));
    REQUIRE(warden_test::pg_exec_on(db.url(),
                                    "INSERT INTO django_session SELECT 'k' || lpad(i::text, 5, '0'), CASE WHEN i % 7 = 0 THEN '" +
                                        alice_data + "' ELSE '" + bob_data +
                                        "' END, now() + interval '1 day' FROM generate_series(1, 2500) i"));
    session_record odd;
    odd.user_id = 1;
    odd.expires_at = now_s() + 60;
    for (auto key : {"q\"uote", "back\\slash", "com,ma", "{brace}"}) {
        odd.key = key;
        REQUIRE_FALSE(s.create_session(odd));
    }
    CHECK(s.delete_user_sessions(1, "k00007") == 2500 / 7 - 1 + 4);
    CHECK(s.load_session("k00007", now_s()));
    CHECK_FALSE(s.load_session("k00014", now_s()));
    CHECK_FALSE(s.load_session("back\\slash", now_s()));
    CHECK(s.load_session("k00001", now_s()));
    CHECK(s.delete_user_sessions(2) == 2500 - 2500 / 7);
}

TEST_CASE("session data under another secret, a backend the site does not list, or garbage is anonymous",
          "[store][django][postgres][sessions]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    const auto uid = made.at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    auto made_with = [&](const std::string& secret, const std::string& backend) {
        django::session_rows rows{{.secret_key = secret, .authentication_backends = {backend}}};
        session_record r;
        r.user_id = uid;
        r.auth_hash = "h";
        std::string data;
        REQUIRE_FALSE(rows.write(r, {}, data));
        return data;
    };
    // Rows in the table as another site (or another secret) would have written them.
    auto put = [&](const std::string& key, const std::string& data) {
        REQUIRE(warden_test::pg_exec_on(db.url(), "INSERT INTO django_session VALUES ('" + key + "', '" + data +
                                                      "', now() + interval '1 hour')"));
    };
    put("ours", made_with(django_secret, "django.contrib.auth.backends.ModelBackend"));
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
    auto rotated = pg_django_options();
    rotated.secret_key = "new-secret";
    rotated.secret_key_fallbacks = {django_secret};
    django::postgres_store r2{db.url(), rotated};
    put("former-key", made_with(django_secret, "django.contrib.auth.backends.ModelBackend"));
    CHECK(r2.load_session("former-key", now_s())->user_id == uid);
}

TEST_CASE("logins and hash upgrades change one column, never a stale copy of the user", "[store][django][postgres][users]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    const auto uid = made.at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    STATIC_REQUIRE(user_field_backend<django::postgres_store>);
    auto stale = s.find_user(uid);
    // Meanwhile the Django site switches the account off.
    django_run(db.url(), "from django.contrib.auth.models import User\nUser.objects.filter(id=INPUT['id']).update(is_active=False)",
               {{"id", uid}});
    REQUIRE_FALSE(record_login(s, *stale, 1'800'000'000));
    REQUIRE_FALSE(set_user_password(s, *stale, "pbkdf2_sha256$1$new$hash"));
    auto now = s.find_user(uid);
    CHECK_FALSE(now->is_active);   // not written back
    CHECK(now->last_login == 1'800'000'000);
    CHECK(now->password == "pbkdf2_sha256$1$new$hash");
    auto django_view = django_run(db.url(), R"PY(
from django.contrib.auth.models import User
u = User.objects.get(id=INPUT["id"])
OUTPUT = [u.last_login.isoformat(), u.is_active]
)PY", {{"id", uid}});
    CHECK(django_view.at(0).as_string() == "2027-01-15T08:00:00+00:00");
    CHECK(s.set_last_login(uid + 100, 1) == store_errc::not_found);
    CHECK(s.set_user_password(uid + 100, "x") == store_errc::not_found);
}

TEST_CASE("update_user keeps Django's microseconds when a time is written back to the same second",
          "[store][django][postgres][users]") {
    django_pg_db db;
    const auto uid = django_user(db.url(), "alice", "alice-pass").at("id").as_int64();
    const char* times = R"PY(
from django.contrib.auth.models import User
from django.utils import timezone
import datetime
if INPUT.get("login"):
    User.objects.filter(id=INPUT["id"]).update(last_login=datetime.datetime(2027, 1, 15, 8, 0, 0, 654321, tzinfo=datetime.timezone.utc))
u = User.objects.get(id=INPUT["id"])
OUTPUT = [u.date_joined.isoformat(), u.last_login.isoformat() if u.last_login else None, u.first_name]
)PY";
    auto before = django_run(db.url(), times, {{"id", uid}, {"login", true}});
    django::postgres_store s{db.url(), pg_django_options()};
    auto u = *s.find_user(uid);
    CHECK(u.last_login == 1'800'000'000);   // 08:00:00.654321 reads as its second
    u.first_name = "Alice";
    REQUIRE_FALSE(s.update_user(u));
    auto after = django_run(db.url(), times, {{"id", uid}});
    CHECK(after.at(0) == before.at(0));
    CHECK(after.at(1).as_string() == "2027-01-15T08:00:00.654321+00:00");
    CHECK(after.at(2).as_string() == "Alice");
    // Another second is written as given; 0 clears the last login.
    u.date_joined = 1'700'000'000;
    u.last_login = 0;
    REQUIRE_FALSE(s.update_user(u));
    after = django_run(db.url(), times, {{"id", uid}});
    CHECK(after.at(0).as_string() == "2023-11-14T22:13:20+00:00");
    CHECK(after.at(1).is_null());
}

TEST_CASE("simplejwt's tables: warden's blacklist is simplejwt's, dependents deleted first", "[store][django][postgres][jwt]") {
    django_pg_db db;
    auto made = django_user(db.url(), "alice", "alice-pass");
    const auto uid = made.at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    STATIC_REQUIRE(jwt_blacklist_store<django::postgres_store>);

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
    auto seen = django_run(db.url(), R"PY(
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

TEST_CASE("a database without Django's tables is refused, naming the table, manage.py migrate and the server",
          "[store][django][postgres]") {
    django_pg_db empty{false};
    { postgres_store own{empty.url()}; }   // a warden database: none of Django's tables
    const auto tables = [&](const std::string& url) {
        std::string out;
        PGconn* c = PQconnectdb(url.c_str());
        PGresult* r = PQexec(c, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) out = PQgetvalue(r, 0, 0);
        PQclear(r);
        PQfinish(c);
        return out;
    };
    const auto before = tables(empty.url());
    std::string what;
    CHECK(construction_error(empty.url(), pg_django_options(), &what) == store_errc::schema);
    CHECK_THAT(what, Catch::Contains(django::missing_table_message("auth_user")) &&
                         Catch::Contains(warden::detail::pg::describe(empty.url())));
    CHECK(tables(empty.url()) == before);   // nothing created

    // Each table is required: drop the blacklist's.
    {
        django_pg_db db;
        REQUIRE(warden_test::pg_exec_on(db.url(), "DROP TABLE token_blacklist_blacklistedtoken"));
        CHECK(construction_error(db.url(), pg_django_options(), &what) == store_errc::schema);
        CHECK_THAT(what, Catch::Contains("token_blacklist_blacklistedtoken") &&
                             Catch::Contains("rest_framework_simplejwt.token_blacklist"));
    }
    // A table without a column warden reads.
    {
        django_pg_db db;
        REQUIRE(warden_test::pg_exec_on(db.url(), "ALTER TABLE auth_user DROP COLUMN first_name"));
        CHECK(construction_error(db.url(), pg_django_options(), &what) == store_errc::schema);
        CHECK_THAT(what, Catch::Contains("lack columns") && Catch::Contains("auth_user"));
    }
    // A database that does not exist is not created.
    const std::string absent = "warden_dj_absent_" + warden::crypto::random_hex(4);
    CHECK(construction_error(warden_test::pg_url_of(absent), pg_django_options(), &what) == store_errc::unavailable);
    CHECK_THAT(what, Catch::Contains(absent));
    CHECK(warden_test::pg_integer("SELECT count(*) FROM pg_database WHERE datname = '" + absent + "'") == 0);
    // A migrated database is left as Django made it.
    django_pg_db db;
    const auto migrated = tables(db.url());
    { django::postgres_store s{db.url(), pg_django_options()}; }
    CHECK(tables(db.url()) == migrated);
    CHECK(migrated.find("warden") == std::string::npos);
}

TEST_CASE("connections the server ended are replaced without an error, and prepare their statements again",
          "[store][django][postgres][faults]") {
    django_pg_db db;
    const auto uid = django_user(db.url(), "alice", "alice-pass").at("id").as_int64();
    django::postgres_store s{db.url(), pg_django_options()};
    const std::string mine = "FROM pg_stat_activity WHERE datname = '" + db.name() + "'";
    for (int round = 0; round < 3; ++round) {
        REQUIRE(s.find_user(uid));   // at least one connection open
        REQUIRE(warden_test::pg_integer("SELECT count(pg_terminate_backend(pid)) " + mine) >= 1);
        // Terminating is asynchronous: wait (bounded) until the server has closed them.
        for (int i = 0; i < 200 && warden_test::pg_integer("SELECT count(*) " + mine) != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        std::error_code ec;
        CHECK(s.user_token_key(uid, now_s(), ec).size() == 40);
        CHECK_FALSE(ec);
        session_record r = store_suite::make_session("k" + std::to_string(round), uid, now_s() + 60);
        CHECK_FALSE(s.create_session(r));
        r.csrf_secret = "changed";
        CHECK_FALSE(s.save_session(r));   // a transaction on a new connection
        CHECK(s.load_session(r.key, now_s())->csrf_secret == "changed");
    }
    CHECK(s.available());
}

TEST_CASE("a server that cannot be reached is refused as unavailable, at once", "[store][django][postgres]") {
    warden_test::silent_server silent;   // accepts, never answers
    auto o = pg_django_options();
    o.timeout = std::chrono::milliseconds{300};
    const auto start = std::chrono::steady_clock::now();
    const std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(silent.port()) + "/x?connect_timeout=10";
    const auto ec = construction_error(url, o);
    CHECK((ec == store_errc::timeout || ec == store_errc::unavailable));
    CHECK(ec == store_condition::unavailable);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{3});
}

TEST_CASE("AUTH_USER_MODEL's table and the schema are configurable, and options are checked", "[store][django][postgres]") {
    django_pg_db db;
    auto o = pg_django_options();
    o.user_table = "accounts_user";
    CHECK_THROWS_WITH((django::postgres_store{db.url(), o}), Catch::Contains("accounts_user") && Catch::Contains("migrate"));
    o.user_table = "auth_user; DROP TABLE x";
    CHECK_THROWS_AS((django::postgres_store{db.url(), o}), std::invalid_argument);
    o = pg_django_options();
    o.secret_key.clear();
    CHECK_THROWS_WITH((django::postgres_store{db.url(), o}), Catch::Contains("SECRET_KEY"));
    o = pg_django_options();
    o.schema = "site; DROP TABLE x";
    CHECK_THROWS_AS((django::postgres_store{db.url(), o}), std::invalid_argument);
    o = pg_django_options();
    o.timeout = std::chrono::milliseconds{0};
    CHECK_THROWS_AS((django::postgres_store{db.url(), o}), std::invalid_argument);

    // Django's tables in another schema, as a site whose OPTIONS set search_path has them.
    const auto uid = django_user(db.url(), "alice", "alice-pass").at("id").as_int64();
    REQUIRE(warden_test::pg_exec_on(db.url(), "ALTER SCHEMA public RENAME TO site"));
    CHECK_THROWS_WITH((django::postgres_store{db.url(), pg_django_options()}), Catch::Contains("auth_user"));
    o = pg_django_options();
    o.schema = "site";
    django::postgres_store s{db.url(), o};
    CHECK(s.find_user(uid)->username == "alice");
}
