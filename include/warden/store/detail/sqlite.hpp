// RAII over the SQLite C API and the mapping of SQLite result codes to store_errc.
//
// SQLite's own messages (sqlite3_errmsg) are never read: they can quote values from
// the statement (a constraint failure names the column, a future version might quote
// more), and values here include password hashes and session keys. Only the result
// code crosses into warden's errors.
#ifndef WARDEN_STORE_DETAIL_SQLITE_HPP
#define WARDEN_STORE_DETAIL_SQLITE_HPP

#include <warden/core/identity.hpp>
#include <warden/store/error.hpp>

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::detail::sqlite {

struct db_deleter {
    // close_v2 defers the close until every statement is finalised, so destruction
    // order between a connection and its cached statements cannot leak or crash.
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using db_handle = std::unique_ptr<sqlite3, db_deleter>;

struct stmt_deleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using stmt_handle = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

inline bool is_error(int rc) noexcept { return rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE; }

/// The store error for a SQLite result code (primary or extended).
inline store_errc map_error(int rc) noexcept {
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return store_errc::duplicate;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return store_errc::not_found;
    default: break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return store_errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return store_errc::corrupt;
    default: return store_errc::io;
    }
}

inline std::error_code to_error(int rc) noexcept { return make_error_code(map_error(rc)); }

/// One use of a (cached) prepared statement: bind, step, read columns. Resets the
/// statement and clears its bindings when it goes out of scope, so the next user finds
/// it clean and no read transaction stays open behind a half-stepped SELECT.
///
/// Text and blobs are bound without copying (SQLITE_STATIC): the caller's data outlives
/// this object, which resets the statement before the data can go away. The first bind
/// failure is remembered and returned by `step()`.
class stmt_use {
public:
    explicit stmt_use(sqlite3_stmt* s) noexcept : s_(s) {}
    stmt_use(const stmt_use&) = delete;
    stmt_use& operator=(const stmt_use&) = delete;
    ~stmt_use() {
        if (s_) {
            sqlite3_reset(s_);
            sqlite3_clear_bindings(s_);
        }
    }

    stmt_use& bind(int i, std::int64_t v) noexcept { return keep(sqlite3_bind_int64(s_, i, v)); }
    stmt_use& bind(int i, bool v) noexcept { return keep(sqlite3_bind_int(s_, i, v ? 1 : 0)); }
    stmt_use& bind(int i, double v) noexcept { return keep(sqlite3_bind_double(s_, i, v)); }
    stmt_use& bind(int i, std::string_view v) noexcept {
        // A non-null pointer even for "" so SQLite binds an empty string, not NULL.
        return keep(sqlite3_bind_text64(s_, i, v.empty() ? "" : v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
    }
    stmt_use& bind_blob(int i, std::span<const unsigned char> v) noexcept {
        static const unsigned char none = 0;
        return keep(sqlite3_bind_blob64(s_, i, v.empty() ? &none : v.data(), v.size(), SQLITE_STATIC));
    }
    stmt_use& bind_null(int i) noexcept { return keep(sqlite3_bind_null(s_, i)); }

    /// SQLITE_ROW, SQLITE_DONE, or an error code (also a remembered bind error).
    int step() noexcept { return bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(s_); }

    std::int64_t int64(int col) const noexcept { return sqlite3_column_int64(s_, col); }
    double real(int col) const noexcept { return sqlite3_column_double(s_, col); }
    bool is_null(int col) const noexcept { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
    std::string text(int col) const {
        auto p = sqlite3_column_text(s_, col);
        auto n = sqlite3_column_bytes(s_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
    }
    std::span<const unsigned char> blob(int col) const noexcept {
        auto p = static_cast<const unsigned char*>(sqlite3_column_blob(s_, col));
        auto n = sqlite3_column_bytes(s_, col);
        return p ? std::span<const unsigned char>(p, static_cast<std::size_t>(n)) : std::span<const unsigned char>();
    }

private:
    stmt_use& keep(int rc) noexcept {
        if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
        return *this;
    }
    sqlite3_stmt* s_;
    int bind_rc_ = SQLITE_OK;
};

/// Prepares `sql` on `db`; `persistent` hints SQLite that the statement is cached.
inline int prepare(sqlite3* db, std::string_view sql, stmt_handle& out, bool persistent) noexcept {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                persistent ? SQLITE_PREPARE_PERSISTENT : 0u, &s, nullptr);
    out.reset(s);
    return rc;
}

/// Runs one or more statements without results (schema, pragmas), stopping at the
/// first error. No error message is requested (see the file comment).
inline int exec(sqlite3* db, const char* sql) noexcept { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

/// Runs a single-row, single-column query and reads an integer (PRAGMA x, count(*)).
inline int query_int(sqlite3* db, const char* sql, std::int64_t& out) noexcept {
    stmt_handle s;
    if (int rc = prepare(db, sql, s, false); rc != SQLITE_OK) return rc;
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
        out = sqlite3_column_int64(s.get(), 0);
        return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

/// Runs a single-row, single-column query and reads text (PRAGMA journal_mode).
inline int query_text(sqlite3* db, const char* sql, std::string& out) {
    stmt_handle s;
    if (int rc = prepare(db, sql, s, false); rc != SQLITE_OK) return rc;
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
        auto p = sqlite3_column_text(s.get(), 0);
        out = p ? reinterpret_cast<const char*>(p) : "";
        return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

/// A user from its columns read from `first` on: id, username, email, password,
/// is_active, is_staff, is_superuser, date_joined and last_login as seconds (NULL: 0).
/// Both SQLite schemas (warden's, Django's) select them in this order.
inline user read_user(const stmt_use& q, int first) {
    user u;
    u.id = q.int64(first);
    u.username = q.text(first + 1);
    u.email = q.text(first + 2);
    u.password = q.text(first + 3);
    u.is_active = q.int64(first + 4) != 0;
    u.is_staff = q.int64(first + 5) != 0;
    u.is_superuser = q.int64(first + 6) != 0;
    u.date_joined = q.is_null(first + 7) ? 0 : q.int64(first + 7);
    u.last_login = q.is_null(first + 8) ? 0 : q.int64(first + 8);
    return u;
}

} // namespace warden::detail::sqlite

#endif
