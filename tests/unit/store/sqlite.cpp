// What only the SQLite backend has: a file that outlives the process, its schema and
// migrations, refusal of files it must not touch, WAL, busy handling.
#include <support/backends.hpp>

#include <warden/store/detail/sqlite.hpp>
#include <warden/store/detail/sqlite_schema.hpp>
#include <warden/token/key.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

using namespace warden;
using warden_test::temp_db;
namespace sq = warden::detail::sqlite;

namespace {

// A plain connection, to inspect or tamper with a file behind the store's back.
struct raw_db {
    sq::db_handle db;
    explicit raw_db(const std::string& path) {
        sqlite3* p = nullptr;
        int rc = sqlite3_open_v2(path.c_str(), &p, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        db.reset(p);
        REQUIRE(rc == SQLITE_OK);
        sqlite3_busy_timeout(db.get(), 2000);
    }
    std::int64_t integer(const char* sql) {
        std::int64_t v = -1;
        REQUIRE(sq::query_int(db.get(), sql, v) == SQLITE_OK);
        return v;
    }
    std::string text(const char* sql) {
        std::string v;
        REQUIRE(sq::query_text(db.get(), sql, v) == SQLITE_OK);
        return v;
    }
    void exec(const char* sql) { REQUIRE(sq::exec(db.get(), sql) == SQLITE_OK); }
};

struct refusal {
    std::error_code code;
    std::string what;
};

refusal open_refusal(const std::string& path, sqlite_options opts = {}) {
    try {
        sqlite_store s{path, opts};
    } catch (const std::system_error& e) {
        return {e.code(), e.what()};
    }
    return {};
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("data written by one sqlite_store is read by a new one on the same file", "[store][sqlite]") {
    temp_db file;
    const std::string key = token::generate_key();
    {
        sqlite_store s{file.path()};
        user alice;
        alice.username = "alice";
        alice.email = "alice@example.com";
        alice.password = "pbkdf2_sha256$1000000$salt$hash";
        alice.last_login = 1234;
        REQUIRE_FALSE(s.create_user(alice));
        user bob;
        bob.username = "bob";
        REQUIRE_FALSE(s.create_user(bob));
        REQUIRE_FALSE(s.add_token({token::digest_key(key), alice.id, 100, 0}));
        session_record r;
        r.key = "abcdefghijklmnopqrstuvwxyz012345";
        r.user_id = alice.id;
        r.auth_hash = "h";
        r.csrf_secret = "c";
        r.expires_at = 5000;
        REQUIRE_FALSE(s.create_session(r));
        REQUIRE(s.throttle_hit("throttle_user_1", 10.5, 60, 2).allowed);
        REQUIRE(s.throttle_hit("throttle_user_1", 11.25, 60, 2).allowed);
        REQUIRE_FALSE(s.add_outstanding({"jti-1", alice.id, 1, 9000}));
        REQUIRE(s.blacklist("jti-2", 9000, 1));
    }
    sqlite_store s{file.path()};
    auto alice = s.find_user_by_username("alice");
    REQUIRE(alice);
    CHECK(alice->id == 1);
    CHECK(alice->email == "alice@example.com");
    CHECK(alice->password == "pbkdf2_sha256$1000000$salt$hash");
    CHECK(alice->last_login == 1234);
    auto hit = s.find_token(token::digest_key(key));
    REQUIRE(hit);
    CHECK(hit->owner->username == "alice");
    CHECK(hit->token.created == 100);
    auto r = s.load_session("abcdefghijklmnopqrstuvwxyz012345", 0);
    REQUIRE(r);
    CHECK(r->auth_hash == "h");
    CHECK(r->csrf_secret == "c");
    auto h = s.throttle_hit("throttle_user_1", 12, 60, 2);
    CHECK_FALSE(h.allowed);
    CHECK(h.count == 2);
    CHECK(h.oldest == 10.5);
    CHECK(s.is_blacklisted("jti-2"));
    CHECK(s.blacklist_user(alice->id, 2) == 1);
    // Ids continue after the restart.
    user carol;
    carol.username = "carol";
    REQUIRE_FALSE(s.create_user(carol));
    CHECK(carol.id == 3);
}

TEST_CASE("a new sqlite database is in WAL mode, marked as warden's, at the current schema version", "[store][sqlite]") {
    temp_db file;
    { sqlite_store s{file.path()}; }
    raw_db raw(file.path());
    CHECK(raw.text("PRAGMA journal_mode") == "wal");
    CHECK(raw.integer("PRAGMA user_version") == sqlite_store::schema_version);
    CHECK(raw.integer("PRAGMA application_id") == sq::application_id);
    for (auto table : {"users", "tokens", "sessions", "throttle", "jwt_outstanding", "jwt_blacklist"}) {
        auto sql = std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") + table + "'";
        CHECK(raw.integer(sql.c_str()) == 1);
    }
}

TEST_CASE("an empty file becomes a new warden database", "[store][sqlite]") {
    temp_db file;
    { std::ofstream create(file.path(), std::ios::binary); }
    sqlite_store s{file.path()};
    user u;
    u.username = "alice";
    CHECK_FALSE(s.create_user(u));
}

TEST_CASE("a database from a newer warden is refused with store_errc::schema and left untouched", "[store][sqlite]") {
    temp_db file;
    { sqlite_store s{file.path()}; }
    {
        raw_db raw(file.path());
        raw.exec("PRAGMA user_version = 99");
    }
    auto r = open_refusal(file.path());
    CHECK(r.code == store_errc::schema);
    CHECK_THAT(r.what, Catch::Contains(file.path()) && Catch::Contains("schema version 99") &&
                           Catch::Contains("newer warden"));
    raw_db raw(file.path());
    CHECK(raw.integer("PRAGMA user_version") == 99);
}

TEST_CASE("a file that is not a SQLite database is refused with a clear error", "[store][sqlite]") {
    temp_db file;
    {
        std::ofstream out(file.path(), std::ios::binary);
        for (int i = 0; i < 400; ++i) out << "this is not a database, just text\n";
    }
    const auto before = file_bytes(file.path());
    auto r = open_refusal(file.path());
    CHECK(r.code == store_errc::corrupt);
    CHECK_THAT(r.what, Catch::Contains(file.path()) && Catch::Contains("not a SQLite database"));
    CHECK(file_bytes(file.path()) == before);
}

TEST_CASE("a SQLite database of another program is refused, not adopted", "[store][sqlite]") {
    SECTION("tables but no marker") {
        temp_db file;
        {
            raw_db raw(file.path());
            raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
        }
        auto r = open_refusal(file.path());
        CHECK(r.code == store_errc::corrupt);
        CHECK_THAT(r.what, Catch::Contains("not warden's"));
        raw_db raw(file.path());
        CHECK(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'users'") == 0);
    }
    SECTION("another application id") {
        temp_db file;
        {
            raw_db raw(file.path());
            raw.exec("PRAGMA application_id = 1234");
        }
        auto r = open_refusal(file.path());
        CHECK(r.code == store_errc::corrupt);
        CHECK_THAT(r.what, Catch::Contains("another application") && Catch::Contains("0x000004d2"));
    }
}

TEST_CASE("an in-memory database path is refused", "[store][sqlite]") {
    CHECK(open_refusal(":memory:").code == store_errc::io);
    CHECK(open_refusal("").code == store_errc::io);
}

TEST_CASE("pending migrations run in order in one transaction; a failing one changes nothing", "[store][sqlite]") {
    temp_db file;
    raw_db raw(file.path());
    const std::array<sq::migration, 1> v1{{{1, "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (7);"}}};
    const std::array<sq::migration, 3> v3{{v1[0],
                                           {2, "CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x FROM a;"},
                                           {3, "ALTER TABLE b ADD COLUMN z TEXT NOT NULL DEFAULT 'new';"}}};
    const std::array<sq::migration, 4> broken{{v3[0], v3[1], v3[2], {4, "CREATE TABLE c (w); SELECT * FROM missing;"}}};

    sq::prepare_database(raw.db.get(), file.path(), v1);
    CHECK(raw.integer("PRAGMA user_version") == 1);
    CHECK(raw.integer("PRAGMA application_id") == sq::application_id);
    CHECK(raw.text("PRAGMA journal_mode") == "wal");

    // From version 1, steps 2 and 3 run; data of step 1 is kept.
    sq::prepare_database(raw.db.get(), file.path(), v3);
    CHECK(raw.integer("PRAGMA user_version") == 3);
    CHECK(raw.integer("SELECT y FROM b") == 7);
    CHECK(raw.text("SELECT z FROM b") == "new");
    // Reopening at the same version runs nothing again.
    sq::prepare_database(raw.db.get(), file.path(), v3);
    CHECK(raw.integer("SELECT count(*) FROM b") == 1);

    try {
        sq::prepare_database(raw.db.get(), file.path(), broken);
        FAIL("a failing migration must throw");
    } catch (const std::system_error& e) {
        CHECK(e.code() == store_errc::io);
        CHECK_THAT(std::string(e.what()), Catch::Contains("migration to schema version 4"));
    }
    CHECK(raw.integer("PRAGMA user_version") == 3);
    CHECK(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'c'") == 0);

    // A build that knows fewer versions than the file refuses it.
    try {
        sq::prepare_database(raw.db.get(), file.path(), v1);
        FAIL("a newer file must be refused");
    } catch (const std::system_error& e) {
        CHECK(e.code() == store_errc::schema);
    }
}

TEST_CASE("token digests are stored as 32-byte BLOBs and the key never reaches the file", "[store][sqlite][security]") {
    temp_db file;
    const std::string key = token::generate_key();
    {
        sqlite_store s{file.path()};
        user u;
        u.username = "alice";
        REQUIRE_FALSE(s.create_user(u));
        REQUIRE_FALSE(s.add_token({token::digest_key(key), u.id, 1, 0}));
    }
    {
        raw_db raw(file.path());
        CHECK(raw.text("SELECT typeof(digest) FROM tokens") == "blob");
        CHECK(raw.integer("SELECT length(digest) FROM tokens") == 32);
    }
    for (const char* suffix : {"", "-wal"}) CHECK(file_bytes(file.path() + suffix).find(key) == std::string::npos);
}

TEST_CASE("a write lock held elsewhere past the busy timeout is store_errc::busy; reads go on", "[store][sqlite]") {
    temp_db file;
    sqlite_store s{file.path(), {.busy_timeout = std::chrono::milliseconds{100}, .pool_size = 2}};
    user alice;
    alice.username = "alice";
    REQUIRE_FALSE(s.create_user(alice));

    raw_db other(file.path());
    other.exec("BEGIN IMMEDIATE");

    user bob;
    bob.username = "bob";
    const auto started = std::chrono::steady_clock::now();
    CHECK(s.create_user(bob) == store_errc::busy);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds{90});

    std::error_code ec;
    auto h = s.throttle_hit("k", 1, 60, 10, ec);
    CHECK(ec == store_errc::busy);
    CHECK_FALSE(h.allowed);   // fails closed
    CHECK_THROWS_MATCHES(s.remove_user_tokens(1), std::system_error,
                         Catch::Predicate<std::system_error>([](const std::system_error& e) {
                             return e.code() == store_errc::busy;
                         }));
    // WAL: readers are not blocked by the writer.
    CHECK(s.find_user_by_username("alice"));

    other.exec("ROLLBACK");
    CHECK_FALSE(s.create_user(bob));
    CHECK(s.throttle_hit("k", 1, 60, 10).allowed);
}

TEST_CASE("two stores on one file see each other's writes", "[store][sqlite]") {
    temp_db file;
    sqlite_store a{file.path()};
    sqlite_store b{file.path()};
    user u;
    u.username = "alice";
    REQUIRE_FALSE(a.create_user(u));
    CHECK(b.find_user(u.id));
    user dup;
    dup.username = "alice";
    CHECK(b.create_user(dup) == store_errc::duplicate);
    // The throttle window is shared too: a counter for several server processes.
    CHECK(a.throttle_hit("k", 1, 60, 1).allowed);
    CHECK_FALSE(b.throttle_hit("k", 2, 60, 1).allowed);
}

TEST_CASE("one pooled connection still serves many threads", "[store][sqlite][concurrency]") {
    temp_db file;
    sqlite_store s{file.path(), {.busy_timeout = std::chrono::seconds{10}, .pool_size = 1}};
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) allowed += s.throttle_hit("k", 100 + t + i * 0.1, 600, 25).allowed;
        });
    for (auto& th : threads) th.join();
    CHECK(allowed.load() == 25);
}

TEST_CASE("a thread reserves an idle connection for its reads without waiting, and gives it back", "[store][sqlite][inline]") {
    temp_db file;
    sqlite_store s{file.path(), {.busy_timeout = std::chrono::milliseconds{2000}, .pool_size = 1}};
    user alice;
    alice.username = "alice";
    REQUIRE_FALSE(s.create_user(alice));

    REQUIRE(s.try_reserve_reader());
    CHECK_FALSE(s.try_reserve_reader());   // one per thread and store: nothing nests
    CHECK(s.find_user_by_username("alice"));   // the reserved connection reads

    // The only connection is reserved: another thread's read waits for it, and another
    // thread cannot reserve it.
    bool other_reserved = true;
    std::thread([&] { other_reserved = s.try_reserve_reader(); }).join();
    CHECK_FALSE(other_reserved);
    std::atomic<bool> read_done{false};
    std::thread reader([&] {
        read_done = s.find_user_by_username("alice") != nullptr;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    CHECK_FALSE(read_done.load());   // still waiting for the reserved connection
    s.release_reader();
    reader.join();
    CHECK(read_done.load());

    // Given back: reserved again at once, by another thread too.
    std::thread([&] {
        other_reserved = s.try_reserve_reader();
        if (other_reserved) s.release_reader();
    }).join();
    CHECK(other_reserved);
}

TEST_CASE("writes on a thread that holds a reserved reader never wait: busy at once", "[store][sqlite][inline]") {
    temp_db file;
    sqlite_store s{file.path(), {.busy_timeout = std::chrono::milliseconds{2000}, .pool_size = 2}};
    user alice;
    alice.username = "alice";
    REQUIRE_FALSE(s.create_user(alice));

    REQUIRE(s.try_reserve_reader());
    // Free to write: the write runs on the reserved connection.
    CHECK(s.throttle_hit("k", 1, 60, 10).allowed);

    // Another process holds SQLite's write lock: the write fails at once instead of
    // sleeping in the busy handler for up to 2 s.
    raw_db other(file.path());
    other.exec("BEGIN IMMEDIATE");
    std::error_code ec;
    auto started = std::chrono::steady_clock::now();
    s.throttle_hit("k", 2, 60, 10, ec);
    CHECK(ec == store_errc::busy);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds{1500});
    CHECK(s.find_user_by_username("alice"));   // reads go on (WAL)
    other.exec("ROLLBACK");
    s.release_reader();

    // Released: the connection's busy timeout is back, so a pooled write waits again
    // for a lock that is soon released.
    other.exec("BEGIN IMMEDIATE");
    int unlocked = SQLITE_ERROR;   // no Catch assertion off the main thread: Catch is not thread-safe
    std::thread unlock([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        unlocked = sq::exec(other.db.get(), "ROLLBACK");
    });
    bool allowed[2] = {};
    for (int i = 0; i < 2; ++i) allowed[i] = s.throttle_hit("k", 3 + i, 60, 10).allowed;   // both connections
    unlock.join();
    CHECK(unlocked == SQLITE_OK);
    CHECK(allowed[0]);
    CHECK(allowed[1]);
}

TEST_CASE("writes on a thread that holds a reserved reader do not wait for another writer of the process", "[store][sqlite][inline]") {
    temp_db file;
    sqlite_store s{file.path(), {.busy_timeout = std::chrono::milliseconds{2000}, .pool_size = 3}};
    REQUIRE(s.throttle_hit("k", 1, 60, 10).allowed);
    // A writer holds the in-process writer gate (its transaction is open on the file).
    raw_db other(file.path());
    other.exec("BEGIN IMMEDIATE");
    std::atomic<bool> writer_done{false};
    std::thread writer([&] {
        std::error_code e;
        s.throttle_hit("k", 2, 60, 10, e);   // holds the gate, waits in SQLite's busy handler
        writer_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    REQUIRE(s.try_reserve_reader());
    std::error_code ec;
    const auto started = std::chrono::steady_clock::now();
    s.throttle_hit("k", 3, 60, 10, ec);
    CHECK(ec == store_errc::busy);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds{1500});
    s.release_reader();
    other.exec("ROLLBACK");
    writer.join();
    CHECK(writer_done.load());
}

TEST_CASE("stores declare whether their calls block", "[store][sqlite]") {
    STATIC_REQUIRE(sqlite_store::blocking);
    STATIC_REQUIRE_FALSE(memory_store::blocking);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<sqlite_store>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<memory_store>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<sqlite_store>);
}

TEST_CASE("a moved sqlite_store keeps working on the same file", "[store][sqlite]") {
    temp_db file;
    sqlite_store a{file.path()};
    user u;
    u.username = "alice";
    REQUIRE_FALSE(a.create_user(u));
    sqlite_store b{std::move(a)};
    CHECK(b.path() == file.path());
    CHECK(b.find_user(u.id));
}

TEST_CASE("sqlite_store sweeps throttle keys idle for more than a day on its own", "[store][sqlite]") {
    temp_db tmp;
    sqlite_store db{tmp.path()};
    raw_db raw{tmp.path()};
    const double t0 = 1'800'000'000;
    REQUIRE(db.throttle_hit("idle", t0, 60, 5).allowed);
    REQUIRE(db.throttle_hit("recent", t0 + 86400 - 10, 86400, 5).allowed);
    // 1022 more hits on other keys, a day and more later: the 1024th hit sweeps.
    for (int i = 0; i < 1021; ++i) REQUIRE(db.throttle_hit("busy", t0 + 86401 + i * 1e-3, 60, 100000).allowed);
    CHECK(raw.integer("SELECT COUNT(*) FROM throttle WHERE cache_key = 'idle'") == 1);   // not yet
    REQUIRE(db.throttle_hit("busy", t0 + 86402, 60, 100000).allowed);
    CHECK(raw.integer("SELECT COUNT(*) FROM throttle WHERE cache_key = 'idle'") == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM throttle WHERE cache_key = 'recent'") == 1);   // within a day: kept
}
