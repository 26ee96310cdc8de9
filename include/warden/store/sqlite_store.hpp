/// @file
/// `warden::sqlite_store`: every store service (users, tokens, sessions, throttle
/// counters, JWT blacklist) in one SQLite 3 file, the embedded default for production.
#ifndef WARDEN_STORE_SQLITE_STORE_HPP
#define WARDEN_STORE_SQLITE_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/detail/sqlite_state.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace warden {

/// Options of `sqlite_store`.
struct sqlite_options {
    /// How long an operation waits for a lock (another writer, another process, a free
    /// pooled connection) before failing with `store_errc::busy`.
    std::chrono::milliseconds busy_timeout{5000};
    /// Connections kept open. Readers run in parallel up to this many; writers take
    /// turns (SQLite admits one writer at a time).
    std::size_t pool_size = 4;
};

/// A store in a SQLite database file, providing all five store services (see
/// warden/store/concepts.hpp for each member's contract and warden/store/basic_store.hpp
/// for the two forms of each call; below, only what is particular to SQLite).
///
/// At construction the file is created with the current schema, or checked and
/// migrated to it (PRAGMA user_version); WAL mode is turned on, foreign keys on,
/// synchronous=NORMAL. Construction throws `std::system_error` with a `store_errc` and a
/// message naming the file when it cannot be used:
/// - `store_errc::schema`: the file was written by a newer warden (its schema version
///   is above `sqlite_store::schema_version`); it is left untouched.
/// - `store_errc::corrupt`: not a SQLite file, damaged, or another program's database.
/// - `store_errc::busy` / `store_errc::io`: locked past the busy timeout, unreadable.
///
/// Thread-safe. A pool of connections, each with its prepared statements cached, lets
/// readers run concurrently; writers in this process queue on a mutex, and
/// SQLITE_BUSY from other processes is retried by SQLite up to the busy timeout, then
/// reported as `store_errc::busy`. Read-modify-write operations (`throttle_hit`,
/// `create_users`, `add_token_capped`, `purge_expired_jwt`) run in a BEGIN IMMEDIATE
/// transaction; every other operation is one statement, atomic by itself. Token keys
/// are never stored: only their SHA-256 digests, as BLOBs. SQLite's own error messages
/// are never surfaced.
///
/// Calls block the thread (`blocking = true`): the server runs routes that use this
/// store off its I/O threads.
///
/// @code
/// warden::sqlite_store db{"warden.db"};                       // created or migrated
/// warden::sqlite_store tuned{"warden.db", {.busy_timeout = std::chrono::seconds{2}, .pool_size = 8}};
/// warden::user u;
/// u.username = "alice";
/// if (auto ec = db.create_user(u)) return ec;                  // store_errc::duplicate if taken
/// std::error_code ec;
/// auto hit = db.find_token(warden::token::digest_key(presented), ec);
/// @endcode
class sqlite_store : public basic_store<detail::sqlite::sqlite_state> {
public:
    /// The schema version this build creates and migrates to.
    static constexpr std::int64_t schema_version = detail::sqlite::latest_version;

    using options = sqlite_options;

    /// Opens (or creates) the database at `path`.
    ///
    /// @param path a file path (not ":memory:": each pooled connection would see its own
    ///        database; use `memory_store` instead).
    /// @param opts busy timeout and pool size.
    /// @throws std::system_error with a `store_errc` (see the class comment).
    explicit sqlite_store(std::string path, sqlite_options opts = {})
        : basic_store(path, opts.busy_timeout, opts.pool_size), path_(std::move(path)) {}

    /// The database file.
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

} // namespace warden

#endif
