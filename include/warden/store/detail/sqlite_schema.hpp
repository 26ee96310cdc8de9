// The SQLite schema of warden::sqlite_store, its migrations, and the checks made when a
// file is opened.
//
// The file is marked as warden's with PRAGMA application_id (a field of the database
// header meant for exactly this) and versioned with PRAGMA user_version. Migration N
// takes a database from version N-1 to N; all pending migrations run in one
// BEGIN IMMEDIATE transaction, so a database is either fully upgraded or untouched, and
// two processes opening a new file at once do not both create the schema.
#ifndef WARDEN_STORE_DETAIL_SQLITE_SCHEMA_HPP
#define WARDEN_STORE_DETAIL_SQLITE_SCHEMA_HPP

#include <warden/store/detail/sqlite.hpp>
#include <warden/store/error.hpp>

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <system_error>

namespace warden::detail::sqlite {

/// "WRDN": the application_id of every warden database.
inline constexpr std::int64_t application_id = 0x5752444e;

struct migration {
    /// The version this step produces (1, 2, ...: step i produces i + 1).
    std::int64_t version;
    const char* sql;
};

// Version 1. Times are seconds since the epoch (INTEGER), throttle hits fractional
// seconds (REAL). Users mirror the fields of Django's auth_user that warden::user has.
// Token digests are SHA-256 BLOBs: the key itself is never stored. Sessions and JWT
// entries carry no foreign key: user 0 is an anonymous session, and simplejwt keeps
// outstanding tokens of deleted users too. The throttle table is one B-tree with no
// secondary index: a hit, the hot write, then rewrites one page instead of two, and
// purge_throttle (rare) scans.
inline constexpr const char* schema_v1 = R"sql(
CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    username     TEXT    NOT NULL UNIQUE,
    email        TEXT    NOT NULL DEFAULT '',
    password     TEXT    NOT NULL DEFAULT '',
    is_active    INTEGER NOT NULL DEFAULT 1,
    is_staff     INTEGER NOT NULL DEFAULT 0,
    is_superuser INTEGER NOT NULL DEFAULT 0,
    date_joined  INTEGER NOT NULL DEFAULT 0,
    last_login   INTEGER
);
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    digest     BLOB    NOT NULL UNIQUE CHECK (length(digest) = 32),
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_user ON tokens(user_id, created, id);
CREATE INDEX tokens_by_expiry ON tokens(expires_at) WHERE expires_at <> 0;
CREATE TABLE sessions (
    session_key TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    auth_hash   TEXT    NOT NULL DEFAULT '',
    csrf_secret TEXT    NOT NULL DEFAULT '',
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE throttle (
    cache_key TEXT PRIMARY KEY,
    hits      BLOB NOT NULL,
    newest    REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE jwt_outstanding (
    jti        TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX jwt_outstanding_by_user ON jwt_outstanding(user_id);
CREATE INDEX jwt_outstanding_by_expiry ON jwt_outstanding(expires_at);
CREATE TABLE jwt_blacklist (
    jti            TEXT    PRIMARY KEY,
    expires_at     INTEGER NOT NULL,
    blacklisted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX jwt_blacklist_by_expiry ON jwt_blacklist(expires_at);
)sql";

/// Every migration, oldest first. Append; never edit a released step.
inline constexpr std::array<migration, 1> migrations{{{1, schema_v1}}};

/// The schema version this build writes.
inline constexpr std::int64_t latest_version = migrations.back().version;

[[noreturn]] inline void refuse(store_errc e, const std::string& path, const std::string& why) {
    throw std::system_error(make_error_code(e), "warden::sqlite_store: cannot use '" + path + "' (" + why + ")");
}

// The failure of a statement run while opening, as an exception that names the file.
// sqlite3_errstr is the fixed text of a result code, never the connection's message.
[[noreturn]] inline void refuse_rc(int rc, const std::string& path) {
    const store_errc e = map_error(rc);
    if (e == store_errc::corrupt) refuse(e, path, "not a SQLite database, or damaged");
    refuse(e, path, sqlite3_errstr(rc));
}

struct file_identity {
    std::int64_t application_id = 0;
    std::int64_t user_version = 0;
    std::int64_t objects = 0;
};

inline file_identity read_identity(sqlite3* db, const std::string& path) {
    file_identity id;
    int rc = query_int(db, "PRAGMA application_id", id.application_id);
    if (rc == SQLITE_OK) rc = query_int(db, "PRAGMA user_version", id.user_version);
    if (rc == SQLITE_OK) rc = query_int(db, "SELECT count(*) FROM sqlite_master", id.objects);
    if (rc != SQLITE_OK) refuse_rc(rc, path);
    return id;
}

// Throws unless the file is empty (new) or warden's at a version this build reads.
// Returns true when the file is new.
inline bool check_identity(const file_identity& id, const std::string& path, std::int64_t latest) {
    if (id.application_id != application_id) {
        if (id.application_id == 0 && id.user_version == 0 && id.objects == 0) return true;
        char hex[32];
        std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(id.application_id & 0xffffffff));
        refuse(store_errc::corrupt, path,
               id.application_id == 0 ? std::string("a SQLite database that is not warden's")
                                      : "a SQLite database of another application, application_id " + std::string(hex));
    }
    if (id.user_version > latest)
        refuse(store_errc::schema, path,
               "schema version " + std::to_string(id.user_version) + "; this build reads versions up to " +
                   std::to_string(latest));
    if (id.user_version < 1) refuse(store_errc::corrupt, path, "a warden database without a schema version");
    return false;
}

/// Checks the file, turns on WAL, and applies pending migrations. Throws
/// `std::system_error` with a `store_errc` and a message naming the file.
inline void prepare_database(sqlite3* db, const std::string& path, std::span<const migration> steps) {
    const std::int64_t latest = steps.empty() ? 0 : steps.back().version;
    check_identity(read_identity(db, path), path, latest);

    // journal_mode cannot change inside a transaction, and WAL is stored in the file:
    // set once here, every later connection finds it.
    std::string mode;
    if (int rc = query_text(db, "PRAGMA journal_mode=WAL", mode); rc != SQLITE_OK) refuse_rc(rc, path);
    if (mode != "wal") refuse(store_errc::io, path, "cannot enable WAL mode (journal_mode is " + mode + ")");

    if (int rc = exec(db, "BEGIN IMMEDIATE"); rc != SQLITE_OK) refuse_rc(rc, path);
    // Read again under the write lock: another process may have migrated meanwhile.
    const auto now = read_identity(db, path);
    try {
        check_identity(now, path, latest);
    } catch (...) {
        exec(db, "ROLLBACK");
        throw;
    }
    for (const auto& step : steps) {
        if (step.version <= now.user_version) continue;
        int rc = exec(db, step.sql);
        if (rc == SQLITE_OK) {
            const std::string mark = "PRAGMA application_id=" + std::to_string(application_id) +
                                     "; PRAGMA user_version=" + std::to_string(step.version) + ";";
            rc = exec(db, mark.c_str());
        }
        if (rc != SQLITE_OK) {
            exec(db, "ROLLBACK");
            refuse(map_error(rc) == store_errc::busy ? store_errc::busy : store_errc::io, path,
                   "migration to schema version " + std::to_string(step.version) + " failed: " + sqlite3_errstr(rc));
        }
    }
    if (int rc = exec(db, "COMMIT"); rc != SQLITE_OK) {
        exec(db, "ROLLBACK");
        refuse_rc(rc, path);
    }
}

} // namespace warden::detail::sqlite

#endif
