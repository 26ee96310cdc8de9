/// @file
/// `warden::postgres_store`: every store service (users, tokens, sessions, throttle
/// counters, JWT blacklist) in PostgreSQL, through libpq (Debian's libpq-dev), so that
/// several server processes on several machines share every credential and count.
#ifndef WARDEN_STORE_POSTGRES_STORE_HPP
#define WARDEN_STORE_POSTGRES_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/detail/pg_backend.hpp>
#include <warden/store/detail/pg_schema.hpp>
#include <warden/store/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

/// Options of `postgres_store`.
struct postgres_options {
    /// The hard limit of one operation: the wait for a pooled connection, connecting,
    /// and the round trip. A server that is down or does not answer costs a request at
    /// most this, then `store_errc::unavailable`/`timeout`/`busy` (503). Also the
    /// server-side `statement_timeout`.
    std::chrono::milliseconds timeout{5000};
    /// Connections kept open at most (opened on demand). Size it to the server's
    /// blocking threads: an operation holds one connection for one round trip.
    std::size_t pool_size = 8;
    /// The PostgreSQL schema (namespace) for warden's tables, created when missing:
    /// lower-case letters, digits and `_`. Empty: the connection's search_path
    /// (normally `public`).
    std::string schema;
};

/// A store in a PostgreSQL database, providing all five store services (see
/// warden/store/concepts.hpp for each member's contract and warden/store/basic_store.hpp
/// for the two forms of each call; below, only what is particular to PostgreSQL).
///
/// At construction it connects and creates the schema (tables prefixed `warden_`, two
/// server functions, a version table `warden_schema_version`) or upgrades it, in one
/// transaction under an advisory lock, so processes starting at once over an empty
/// database do not race. It throws `std::system_error` with a `store_errc` and a
/// message naming the server (never a password) when it cannot:
/// - `store_errc::schema`: the database holds a newer warden schema; it is left untouched;
/// - `store_errc::unavailable` / `timeout`: the server cannot be reached in time;
/// - `store_errc::io`: anything else (authentication, a missing database, rights).
///
/// Each operation is one prepared statement (prepared once per connection) on a pooled
/// connection, driven by libpq's asynchronous calls against one deadline
/// (`postgres_options::timeout`). Every operation is atomic: single statements, the
/// throttle step and the capped token add as server functions (one round trip, atomic
/// across processes), and `create_users` as a transaction. PostgreSQL's messages are
/// never surfaced (they quote values); SQLSTATEs map to `store_errc`.
///
/// Outages: a broken connection is dropped and replaced alone; idle connections the server
/// closed (a restart) are noticed before reuse; while the server cannot be reached one
/// request at a time probes it and the others get `unavailable` at once (503 from
/// warden's policies), and the first success restores service, without a restart.
///
/// Calls block the thread on the network (`blocking = true`): the server runs routes
/// that use this store on its blocking pool, never on an I/O thread.
///
/// @code
/// warden::postgres_store db{"postgresql://warden@127.0.0.1:5432/warden"};
/// warden::postgres_store tuned{"host=db.internal dbname=warden user=warden",
///                              {.timeout = std::chrono::seconds{2}, .pool_size = 16, .schema = "auth"}};
/// auto site = warden::app<...>(db, warden::settings::from_env());
/// @endcode
class postgres_store : public basic_store<detail::pg::backend> {
public:
    /// The schema version this build creates and migrates to.
    static constexpr std::int64_t schema_version = detail::pg::warden_latest_version;

    using options = postgres_options;

    /// Connects to `url` (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?...]` or
    /// libpq's `key=value` text; libpq's environment variables such as PGPASSWORD apply)
    /// and prepares the schema.
    /// @throws std::system_error with a `store_errc` (see the class comment);
    ///         std::invalid_argument for a malformed `schema` name.
    explicit postgres_store(std::string url, postgres_options opts = {})
        : basic_store(checked(detail::pg::backend_config{std::move(url), opts.timeout, opts.pool_size, std::move(opts.schema)})) {}

    /// The server, for messages: `postgresql://USER@HOST:PORT/DBNAME`, never a password.
    std::string where() const { return backend().name(); }

    /// True when `url` names a PostgreSQL database (`postgresql://` or `postgres://`),
    /// as `WARDEN_DATABASE_URL` and `--db` tell it from a SQLite path.
    static bool is_url(std::string_view url) noexcept {
        return url.starts_with("postgresql://") || url.starts_with("postgres://");
    }

private:
    static detail::pg::backend_config checked(detail::pg::backend_config c) {
        for (std::size_t i = 0; i < c.schema.size(); ++i) {
            const char ch = c.schema[i];
            const bool ok = (ch >= 'a' && ch <= 'z') || ch == '_' || (i > 0 && ch >= '0' && ch <= '9');
            if (!ok || c.schema.size() > 63)
                throw std::invalid_argument("warden::postgres_store: the schema name \"" + c.schema +
                                            "\" must be lower-case letters, digits and _ (at most 63, not starting with a digit)");
        }
        if (c.timeout.count() <= 0) throw std::invalid_argument("warden::postgres_store: the timeout must be positive");
        return c;
    }
};

} // namespace warden

#endif
