// The Django schema mode over PostgreSQL: the user and session suites on Django's own
// tables (a database Django's migrations made at test time), then what only this mode
// has (suite_django.hpp, the same over SQLite in tests/unit/store/django_sqlite.cpp):
// DRF's clear token keys, session data both sides read, simplejwt's tables, the
// one-column updates, the refusal of a database without Django's tables; and what is
// particular to PostgreSQL: the store named by its server, the session scan in pages,
// connections the server ended, a server that cannot be reached, and the schema option.
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

// A database of its own for one test: a copy of the migrated one, or (`migrated` false)
// an empty one; dropped afterwards. The members of support/django_db.hpp's django_db.
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
    /// What the store and django_run() take: the database's URL.
    std::string target() const { return url(); }
    /// How the store's messages name the database at `target` (never a password).
    static std::string where(const std::string& target) { return warden::detail::pg::describe(target); }
    std::string where() const { return where(target()); }
    /// Runs SQL on the database outside any store (set-up); false when it fails.
    bool exec(const std::string& sql) const { return pg_exec_on(url(), sql); }

    /// The names of the database's tables (outside PostgreSQL's own schemas), sorted,
    /// joined by commas ("" when it cannot be read).
    std::string tables() const {
        std::string out;
        PGconn* c = PQconnectdb(url().c_str());
        PGresult* r = PQexec(c, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) out = PQgetvalue(r, 0, 0);
        PQclear(r);
        PQfinish(c);
        return out;
    }

    /// A target no database is at (a name no test made), and whether one is there.
    static std::string absent() { return pg_url_of("warden_dj_absent_" + warden::crypto::random_hex(4)); }
    static bool exists(const std::string& target) {
        const auto slash = target.rfind('/');
        const std::string name = target.substr(slash + 1, target.find('?', slash) - slash - 1);
        return pg_integer("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'") != 0;
    }

private:
    std::string name_;
};

warden::django::postgres_options pg_django_options() {
    warden::django::postgres_options o;
    o.secret_key = django_secret;
    return o;
}

// The Django schema store over PostgreSQL: the fixture of the store suites and of
// suite_django.hpp (the members of support/django_db.hpp's django_sqlite_backend).
struct django_postgres_backend {
    static constexpr const char* name = "django postgres";
    using database = django_pg_db;
    using store_type = warden::django::postgres_store;
    using options_type = warden::django::postgres_options;
    static options_type options() { return pg_django_options(); }
    static std::string log_name(const database& d) { return "django " + d.where(); }
    static constexpr warden::store_errc absent_error = warden::store_errc::unavailable;
    static void make_warden_database(const database& d) { warden::postgres_store own{d.target()}; }

    database db;   // declared first: the store closes its connections before the database goes
    store_type store{db.target(), options()};

    store_type reopen(const options_type& o) const { return store_type{db.target(), o}; }
};

} // namespace

} // namespace warden_test

namespace store_suite {
using warden_test::django_postgres_backend;
using user_backends = std::tuple<django_postgres_backend>;
using session_backends = std::tuple<django_postgres_backend>;
using django_backends = std::tuple<django_postgres_backend>;
} // namespace store_suite

#include <unit/store/suite_django.hpp>
#include <unit/store/suite_sessions.hpp>
#include <unit/store/suite_users.hpp>

#include <warden/store/django/session_rows.hpp>

#include <chrono>
#include <thread>

using namespace warden;
using store_suite::construction_error;
using store_suite::django_user;
using store_suite::now_s;
using warden_test::django_pg_db;
using warden_test::django_postgres_backend;
using warden_test::django_secret;
using warden_test::pg_django_options;

namespace {

// Skips the executable without a server, or without Django and psycopg2.
const bool present = (warden_test::pg_url(), warden_test::require_django(true));

} // namespace

TEST_CASE("a Django PostgreSQL store is named by its server, never a password; is_url tells a URL from a path",
          "[store][django][postgres]") {
    django_postgres_backend b;
    CHECK(b.store.where() == warden::detail::pg::describe(b.db.url()));
    CHECK(b.store.backend().name() == "django " + b.store.where());
    CHECK(django::postgres_store::is_url(b.db.url()));
    CHECK_FALSE(django::postgres_store::is_url("/srv/site/db.sqlite3"));
}

TEST_CASE("delete_user_sessions scans a table of many pages, keys with quotes and backslashes included",
          "[store][django][postgres][sessions]") {
    django_postgres_backend b;
    auto& s = b.store;
    // 2500 rows (three pages of the scan), every 7th alice's, made in one statement.
    django::session_rows rows{{.secret_key = django_secret}};
    session_record r;
    r.user_id = 1;
    r.auth_hash = "h";
    std::string alice_data, bob_data;
    REQUIRE_FALSE(rows.write(r, {}, alice_data));
    r.user_id = 2;
    REQUIRE_FALSE(rows.write(r, {}, bob_data));
    REQUIRE(b.db.exec("INSERT INTO django_session SELECT 'k' || lpad(i::text, 5, '0'), CASE WHEN i % 7 = 0 THEN '" + alice_data +
                      "' ELSE '" + bob_data + "' END, now() + interval '1 day' FROM generate_series(1, 2500) i"));
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

TEST_CASE("connections the server ended are replaced without an error, and prepare their statements again",
          "[store][django][postgres][faults]") {
    django_postgres_backend b;
    const auto uid = django_user(b.db.url(), "alice", "alice-pass").at("id").as_int64();
    auto& s = b.store;
    const std::string mine = "FROM pg_stat_activity WHERE datname = '" + b.db.name() + "'";
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
    const auto ec = construction_error<django_postgres_backend>(url, o);
    CHECK((ec == store_errc::timeout || ec == store_errc::unavailable));
    CHECK(ec == store_condition::unavailable);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{3});
}

TEST_CASE("the schema (search_path) is configurable, and the schema and timeout options are checked", "[store][django][postgres]") {
    django_pg_db db;
    auto o = pg_django_options();
    o.schema = "site; DROP TABLE x";
    CHECK_THROWS_AS((django::postgres_store{db.url(), o}), std::invalid_argument);
    o = pg_django_options();
    o.timeout = std::chrono::milliseconds{0};
    CHECK_THROWS_AS((django::postgres_store{db.url(), o}), std::invalid_argument);

    // Django's tables in another schema, as a site whose OPTIONS set search_path has them.
    const auto uid = django_user(db.url(), "alice", "alice-pass").at("id").as_int64();
    REQUIRE(db.exec("ALTER SCHEMA public RENAME TO site"));
    CHECK_THROWS_WITH((django::postgres_store{db.url(), pg_django_options()}), Catch::Contains("auth_user"));
    o = pg_django_options();
    o.schema = "site";
    django::postgres_store s{db.url(), o};
    CHECK(s.find_user(uid)->username == "alice");
}
