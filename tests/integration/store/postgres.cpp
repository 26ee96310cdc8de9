// The store suites on PostgreSQL (it provides every service), then what only the
// PostgreSQL backend has: a schema that versions itself and refuses a newer one,
// creation raced by several processes, data and throttle windows shared by stores,
// connections the server ended replaced without an error, and a server that never
// answers costing at most the timeout. Needs WARDEN_TEST_PG (./scripts/test sets it).
#include <support/postgres_backend.hpp>

namespace store_suite {
using warden_test::postgres_backend;
using user_backends = std::tuple<postgres_backend>;
using token_backends = std::tuple<postgres_backend>;
using session_backends = std::tuple<postgres_backend>;
using throttle_backends = std::tuple<postgres_backend>;
using jwt_backends = std::tuple<postgres_backend>;
} // namespace store_suite

#include <unit/store/suite_jwt.hpp>
#include <unit/store/suite_sessions.hpp>
#include <unit/store/suite_throttle.hpp>
#include <unit/store/suite_tokens.hpp>
#include <unit/store/suite_users.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace warden;
using warden_test::pg_exec;
using warden_test::pg_integer;
using warden_test::pg_url;
using warden_test::temp_pg_schema;

namespace {

const bool present = (pg_url(), true);   // skips the whole executable without a server

// The test URL with an application name of its own (to find this store's connections).
std::string url_named(const std::string& app) {
    return pg_url() + (pg_url().find('?') == std::string::npos ? "?" : "&") + "application_name=" + app;
}

std::error_code construction_error(const std::string& url, postgres_options o) {
    try {
        postgres_store s{url, std::move(o)};
    } catch (const std::system_error& e) {
        return e.code();
    }
    return {};
}

} // namespace

TEST_CASE("a new PostgreSQL schema is at the current version, with warden's tables", "[store][postgres]") {
    temp_pg_schema schema;
    { postgres_store s{pg_url(), {.schema = schema.name()}}; }
    CHECK(pg_integer("SELECT max(version) FROM " + schema.name() + ".warden_schema_version") == postgres_store::schema_version);
    for (auto table : {"warden_users", "warden_tokens", "warden_sessions", "warden_throttle", "warden_jwt_outstanding",
                       "warden_jwt_blacklist"})
        CHECK(pg_integer("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema.name() +
                         "' AND table_name = '" + table + "'") == 1);
    // The throttle counts are not worth a WAL record.
    CHECK(pg_integer("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" +
                     schema.name() + "' AND c.relname = 'warden_throttle' AND c.relpersistence = 'u'") == 1);
}

TEST_CASE("a schema from a newer warden is refused with store_errc::schema and left untouched", "[store][postgres]") {
    temp_pg_schema schema;
    { postgres_store s{pg_url(), {.schema = schema.name()}}; }
    REQUIRE(pg_exec("INSERT INTO " + schema.name() + ".warden_schema_version (version) VALUES (99)"));
    try {
        postgres_store s{pg_url(), {.schema = schema.name()}};
        FAIL("a newer schema must be refused");
    } catch (const std::system_error& e) {
        CHECK(e.code() == store_errc::schema);
        CHECK_THAT(std::string(e.what()), Catch::Contains("schema version 99") && Catch::Contains("newer warden") &&
                                              Catch::Contains("postgresql://"));
    }
    CHECK(pg_integer("SELECT max(version) FROM " + schema.name() + ".warden_schema_version") == 99);
}

TEST_CASE("stores created at once over an empty database all come up, and the schema is made once",
          "[store][postgres][concurrency]") {
    temp_pg_schema schema;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            try {
                postgres_store s{pg_url(), {.schema = schema.name()}};
                std::vector<user> seed(2);
                seed[0].username = "alice";
                seed[1].username = "bob";
                auto ec = s.create_users(seed);
                if (ec && ec != store_errc::duplicate) ++failures;
            } catch (const std::exception&) {
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
    CHECK(pg_integer("SELECT count(*) FROM " + schema.name() + ".warden_schema_version") == postgres_store::schema_version);
    CHECK(pg_integer("SELECT (string_agg(id::text || username, ',' ORDER BY id) = '1alice,2bob')::int FROM " +
                     schema.name() + ".warden_users") == 1);
}

TEST_CASE("two stores on one database share users, tokens and throttle windows", "[store][postgres]") {
    temp_pg_schema schema;
    postgres_store a{pg_url(), {.schema = schema.name()}};
    postgres_store b{pg_url(), {.schema = schema.name()}};
    user u;
    u.username = "alice";
    REQUIRE_FALSE(a.create_user(u));
    CHECK(b.find_user(u.id)->username == "alice");
    REQUIRE_FALSE(a.add_token({token::digest_key("k"), u.id, 1, 0}));
    CHECK(b.find_token(token::digest_key("k"))->owner->username == "alice");
    CHECK(a.throttle_hit("k", 1, 60, 1).allowed);
    CHECK_FALSE(b.throttle_hit("k", 2, 60, 1).allowed);
}

TEST_CASE("token digests are stored as 32-byte bytea and the key never reaches the database", "[store][postgres][security]") {
    warden_test::postgres_backend b;
    user u;
    u.username = "alice";
    REQUIRE_FALSE(b.store.create_user(u));
    const std::string key = token::generate_key();
    REQUIRE_FALSE(b.store.add_token({token::digest_key(key), u.id, 1, 0}));
    const std::string table = b.schema.name() + ".warden_tokens";
    CHECK(pg_integer("SELECT octet_length(digest) FROM " + table) == 32);
    CHECK(pg_integer("SELECT count(*) FROM " + table + " WHERE position(convert_to('" + key + "', 'UTF8') in digest) > 0 "
                     "OR encode(digest, 'hex') = '" + key + "'") == 0);
}

TEST_CASE("connections the server ended are replaced before use: the next operation succeeds", "[store][postgres]") {
    temp_pg_schema schema;
    const std::string app = "warden_" + schema.name();
    postgres_store s{url_named(app), {.pool_size = 3, .schema = schema.name()}};
    user u;
    u.username = "alice";
    REQUIRE_FALSE(s.create_user(u));
    const std::string mine = "FROM pg_stat_activity WHERE application_name = '" + app + "'";
    for (int round = 0; round < 3; ++round) {
        REQUIRE(pg_integer("SELECT count(pg_terminate_backend(pid)) " + mine) >= 1);
        // Terminating is asynchronous: wait (bounded) until the server has closed them.
        for (int i = 0; i < 200 && pg_integer("SELECT count(*) " + mine) != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        std::error_code ec;
        auto found = s.find_user(u.id, ec);
        CHECK_FALSE(ec);
        REQUIRE(found);
        CHECK(found->username == "alice");
    }
    CHECK(s.available());
}

TEST_CASE("a server that never answers costs the timeout, then store_errc::timeout; nothing hangs", "[store][postgres][faults]") {
    warden_test::silent_server hung;
    const auto ec = construction_error("postgresql://warden@127.0.0.1:" + std::to_string(hung.port()) + "/warden",
                                       {.timeout = std::chrono::milliseconds{300}});
    CHECK(ec == store_errc::timeout);
    CHECK(ec == store_condition::unavailable);
}

TEST_CASE("nobody listening is store_errc::unavailable at once, with a message naming the server", "[store][postgres][faults]") {
    warden_test::silent_server taken;   // a port we know; closed again so that nothing listens
    const int port = taken.port();
    taken.close();
    try {
        postgres_store s{"postgresql://warden:secret-pw@127.0.0.1:" + std::to_string(port) + "/warden"};
        FAIL("no server: must throw");
    } catch (const std::system_error& e) {
        CHECK(e.code() == store_errc::unavailable);
        CHECK_THAT(std::string(e.what()), Catch::Contains("postgresql://warden@127.0.0.1:" + std::to_string(port) + "/warden"));
        CHECK_THAT(std::string(e.what()), !Catch::Contains("secret-pw"));
    }
}

TEST_CASE("a malformed schema name is refused before anything is sent", "[store][postgres]") {
    CHECK_THROWS_AS(postgres_store(pg_url(), {.schema = "x; DROP TABLE y"}), std::invalid_argument);
    CHECK_THROWS_AS(postgres_store(pg_url(), {.schema = "Upper"}), std::invalid_argument);
    CHECK_THROWS_AS(postgres_store(pg_url(), {.schema = "1abc"}), std::invalid_argument);
}
