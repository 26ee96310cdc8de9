// The PostgreSQL backend of the store suites and integration tests: each test gets a
// fresh store in a new schema of the test database (WARDEN_TEST_PG), dropped with
// everything in it when the test ends.
#ifndef WARDEN_TESTS_SUPPORT_POSTGRES_BACKEND_HPP
#define WARDEN_TESTS_SUPPORT_POSTGRES_BACKEND_HPP

#include <support/services.hpp>

#include <warden/crypto/random.hpp>
#include <warden/store/postgres_store.hpp>

#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace warden_test {

inline const std::string& pg_url() {
    static const std::string url = require_service("WARDEN_TEST_PG", "PostgreSQL server");
    return url;
}

// A connection to the test database for set-up and clean-up, its notices silenced
// (DROP ... CASCADE lists what it drops).
inline PGconn* pg_connect() {
    PGconn* c = PQconnectdb(pg_url().c_str());
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    return c;
}

/// Runs SQL on the test database outside any store (set-up and clean-up).
inline bool pg_exec(const std::string& sql) {
    PGconn* c = pg_connect();
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult* r = PQexec(c, sql.c_str());
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

/// One integer from the test database (-1 when the query fails).
inline std::int64_t pg_integer(const std::string& sql) {
    PGconn* c = pg_connect();
    std::int64_t v = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult* r = PQexec(c, sql.c_str());
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) v = std::atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return v;
}

/// A schema name no other test uses; the schema (created by the store) is dropped with
/// everything in it on destruction.
class temp_pg_schema {
public:
    temp_pg_schema() : name_("warden_test_" + warden::crypto::random_hex(8)) {}
    temp_pg_schema(const temp_pg_schema&) = delete;
    temp_pg_schema& operator=(const temp_pg_schema&) = delete;
    ~temp_pg_schema() { pg_exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE"); }
    const std::string& name() const noexcept { return name_; }

private:
    std::string name_;
};

struct postgres_backend {
    static constexpr const char* name = "postgres";
    temp_pg_schema schema;   // declared first: the store closes its connections before the schema goes
    warden::postgres_store store{pg_url(), {.schema = schema.name()}};
};

} // namespace warden_test

#endif
