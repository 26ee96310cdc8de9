/// @file
/// `warden::django::postgres_store`: the Django schema mode over PostgreSQL. warden
/// serves from an existing Django site's own database, reading and writing Django's
/// tables as they are, so that users, DRF tokens, login sessions and simplejwt's
/// blacklist work on both sides (docs/django.md). The same semantics as
/// `django::sqlite_store`, through the connections of `warden::postgres_store` (libpq,
/// Debian's libpq-dev; link warden::postgres).
#ifndef WARDEN_STORE_DJANGO_POSTGRES_STORE_HPP
#define WARDEN_STORE_DJANGO_POSTGRES_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/django/detail/postgres_backend.hpp>
#include <warden/store/django/options.hpp>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace warden::django {

/// Options of `django::postgres_store`: the Django site's settings, and the connections'.
struct postgres_options : site_options {
    /// The hard limit of one operation: the wait for a pooled connection, connecting,
    /// and every round trip. A server that is down or does not answer costs a request
    /// at most this, then `store_errc::unavailable`/`timeout`/`busy` (503). Also the
    /// server-side `statement_timeout`.
    std::chrono::milliseconds timeout{5000};
    /// Connections kept open at most (opened on demand). Size it to the server's
    /// blocking threads: an operation holds one connection.
    std::size_t pool_size = 8;
    /// The PostgreSQL schema (namespace) holding Django's tables, when the Django site
    /// puts it in its search_path (`DATABASES` `OPTIONS` `-c search_path=...`): lower-case
    /// letters, digits and `_`. Empty: the connection's search_path (normally `public`).
    std::string schema;
};

/// A store over a Django site's PostgreSQL database, providing users (`AUTH_USER_MODEL`'s
/// table), tokens (DRF's `authtoken_token`: clear keys, one per user, as DRF), sessions
/// (`django_session`, Django's signed session data) and the JWT blacklist (simplejwt's
/// `token_blacklist_*` tables). It has no throttle counters (Django keeps those in its
/// cache): give the app a `memory_counter_store` or a `redis_store` beside it.
///
/// What it does to the database:
/// - never creates, alters or migrates a table, and adds none of its own (no warden
///   schema, no version table: Django's migrations own the schema); construction
///   connects and throws `std::system_error` with `store_errc::schema` naming a missing
///   table and `manage.py migrate`, or tables without the columns it reads (each
///   statement is prepared once there), and the server (never a password);
///   `store_errc::unavailable`/`timeout` when the server cannot be reached in time;
/// - changes one column when it records a login or upgrades a password hash
///   (`set_last_login`, `set_user_password`), so a concurrent change made by the Django
///   site is never overwritten with a stale copy; `update_user` writes every field;
/// - deletes with dependents where Django's schema has no cascades (blacklist rows
///   before their outstanding tokens);
/// - keeps, when it saves a session, whatever else the Django site stored in it (the
///   row is read under its lock, merged and written in one transaction).
///
/// Times: Django's PostgreSQL columns are `timestamp with time zone` whatever `USE_TZ`
/// says (with `USE_TZ = False` Django sets the connection's time zone to `TIME_ZONE`),
/// so the instants in them are absolute and read the same here; warden reads them to
/// the second and writes whole seconds.
///
/// `delete_user_sessions` reads and decodes every session row (Django's table does not
/// record whose a session is), a page of rows per round trip, within the operation's
/// timeout; it runs when a password is changed by warden's own views, or an account is
/// switched off. A site with a very large `django_session` wants a longer timeout, and
/// Django's `clearsessions` run regularly.
///
/// Outages, deadlines and errors as `warden::postgres_store`: a broken connection is
/// replaced, one request at a time probes a server that went away, SQLSTATEs map to
/// `store_errc` and PostgreSQL's messages (which quote values) are never surfaced.
///
/// Thread-safe; calls block on the network (`blocking = true`). Not copyable; movable.
///
/// @code
/// warden::django::postgres_store db{"postgresql://site@db.internal/site", {{.secret_key = django_secret}}};
/// warden::memory_counter_store counters;
/// auto web = warden::app<...>(counters, db, settings);
/// @endcode
class postgres_store : public basic_store<detail::postgres_backend> {
public:
    using options = postgres_options;

    /// Connects to the Django site's database at `url` (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?...]`
    /// or libpq's `key=value` text; libpq's environment variables such as PGPASSWORD apply).
    /// @throws std::invalid_argument for options that cannot work (no secret key, a user
    ///         table or schema name that is not an identifier, a timeout not positive);
    ///         std::system_error with a `store_errc` and a message naming the server
    ///         otherwise (see above).
    postgres_store(std::string url, const postgres_options& opts)
        : basic_store(checked(std::move(url), opts), opts, opts.timeout, opts.pool_size, opts.schema) {}

    /// The server, for messages: `postgresql://USER@HOST:PORT/DBNAME`, never a password.
    std::string where() const { return backend().where(); }

    /// True when `url` names a PostgreSQL database (`postgresql://` or `postgres://`),
    /// as a `--django-db` argument tells it from a SQLite path.
    static bool is_url(std::string_view url) noexcept {
        return url.starts_with("postgresql://") || url.starts_with("postgres://");
    }

private:
    static std::string checked(std::string url, const postgres_options& opts) {
        check_site_options(opts);
        const auto& s = opts.schema;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char ch = s[i];
            const bool ok = (ch >= 'a' && ch <= 'z') || ch == '_' || (i > 0 && ch >= '0' && ch <= '9');
            if (!ok || s.size() > 63)
                throw std::invalid_argument("warden::django::postgres_store: the schema name \"" + s +
                                            "\" must be lower-case letters, digits and _ (at most 63, not starting with a digit)");
        }
        if (opts.timeout.count() <= 0) throw std::invalid_argument("warden::django::postgres_store: the timeout must be positive");
        return url;
    }
};

} // namespace warden::django

#endif
