/// @file
/// `warden::django::sqlite_store`: the Django schema mode over SQLite. warden serves from
/// an existing Django site's own database file, reading and writing Django's tables as
/// they are, so that users, DRF tokens, login sessions and simplejwt's blacklist work on
/// both sides (docs/django.md).
#ifndef WARDEN_STORE_DJANGO_SQLITE_STORE_HPP
#define WARDEN_STORE_DJANGO_SQLITE_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/django/detail/sqlite_backend.hpp>
#include <warden/store/django/options.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace warden::django {

/// Options of `django::sqlite_store`: the Django site's settings, and the pool's.
struct sqlite_options : site_options {
    /// How long an operation waits for a lock (the Django site writing, a free pooled
    /// connection) before failing with `store_errc::busy` (503).
    std::chrono::milliseconds busy_timeout{5000};
    /// Connections kept open.
    std::size_t pool_size = 4;
};

/// A store over a Django site's SQLite database, providing users (`AUTH_USER_MODEL`'s
/// table), tokens (DRF's `authtoken_token`: clear keys, one per user, as DRF), sessions
/// (`django_session`, Django's signed session data) and the JWT blacklist (simplejwt's
/// `token_blacklist_*` tables). It has no throttle counters (Django keeps those in its
/// cache): give the app a `memory_counter_store` or a `redis_store` beside it.
///
/// What it does to the database:
/// - never creates, alters or migrates a table (Django's migrations own the schema);
///   construction throws `std::system_error` with `store_errc::schema` naming a missing
///   table and `manage.py migrate`, or tables without the columns it reads;
/// - never changes the file's journal mode (the site's choice);
/// - changes one column when it records a login or upgrades a password hash
///   (`set_last_login`, `set_user_password`), so a concurrent change made by the Django
///   site is never overwritten with a stale copy; `update_user` writes every field;
/// - deletes with dependents where Django's schema has no cascades (blacklist rows
///   before their outstanding tokens);
/// - keeps, when it saves a session, whatever else the Django site stored in it.
///
/// Requires the site's `USE_TZ = True` (Django's default since 5.0, and in every
/// `startproject` since 1.4): times in the tables are UTC.
///
/// `delete_user_sessions` reads and decodes every session row (Django's table does not
/// record whose a session is); it runs when a password is changed by warden's own
/// views, or an account is switched off.
///
/// Thread-safe; calls block (`blocking = true`). Not copyable; movable.
///
/// @code
/// warden::django::sqlite_store db{"/srv/site/db.sqlite3", {{.secret_key = django_secret}}};
/// warden::memory_counter_store counters;
/// auto web = warden::app<...>(counters, db, settings);
/// @endcode
class sqlite_store : public basic_store<detail::sqlite_backend> {
public:
    using options = sqlite_options;

    /// Opens the Django site's database at `path` (it must exist).
    /// @throws std::invalid_argument for options that cannot work (no secret key, a user
    ///         table name that is not an identifier); std::system_error with a
    ///         `store_errc` and a message naming the file otherwise (see above).
    sqlite_store(std::string path, const sqlite_options& opts)
        : basic_store(checked(std::move(path), opts), opts, opts.busy_timeout, opts.pool_size) {}

private:
    static std::string checked(std::string path, const sqlite_options& opts) {
        check_site_options(opts);
        return path;
    }
};

} // namespace warden::django

#endif
