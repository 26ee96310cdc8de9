// The backend of warden::django::sqlite_store: Django's own tables in the Django site's
// SQLite file, through the same connection pool and statement helpers as
// warden::sqlite_store. Times: Django (USE_TZ = True) writes UTC as text
// ('YYYY-MM-DD HH:MM:SS[.ffffff]'); SQLite's strftime('%s', ...) reads it as seconds and
// datetime(?, 'unixepoch') writes it back in a form Django parses.
#ifndef WARDEN_STORE_DJANGO_DETAIL_SQLITE_BACKEND_HPP
#define WARDEN_STORE_DJANGO_DETAIL_SQLITE_BACKEND_HPP

#include <warden/core/identity.hpp>
#include <warden/crypto/random.hpp>
#include <warden/store/detail/sqlite.hpp>
#include <warden/store/detail/sqlite_pool.hpp>
#include <warden/store/django/options.hpp>
#include <warden/store/django/session_rows.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::django::detail {

namespace sq = warden::detail::sqlite;

enum sqlite_query : std::size_t {
    sq_user_by_id,
    sq_user_by_name,
    sq_user_insert,
    sq_user_update,
    sq_users_all,
    sq_user_password,
    sq_user_last_login,
    sq_user_exists,
    sq_token_find,
    sq_token_of_user,
    sq_token_insert,
    sq_token_delete,
    sq_tokens_delete_user,
    sq_session_insert,
    sq_session_load,
    sq_session_data,
    sq_session_update,
    sq_session_delete,
    sq_sessions_all,
    sq_sessions_purge,
    sq_jwt_outstanding_insert,
    sq_jwt_blacklist_insert,
    sq_jwt_is_blacklisted,
    sq_jwt_blacklist_user,
    sq_jwt_purge_blacklisted,
    sq_jwt_purge_outstanding,
    sqlite_query_count
};

// The SQL of each query, with the user table's name put in ("{u}").
inline std::vector<std::string> sqlite_sql(std::string_view users) {
#define WARDEN_DJ_EPOCH(col) "CAST(strftime('%s', " col ") AS INTEGER)"
#define WARDEN_DJ_USER_COLUMNS(p)                                                                              \
    p "id, " p "username, " p "email, " p "password, " p "is_active, " p "is_staff, " p "is_superuser, "      \
      WARDEN_DJ_EPOCH(p "date_joined") ", " WARDEN_DJ_EPOCH(p "last_login") ", " p "first_name, " p "last_name"
    const std::array<std::string_view, sqlite_query_count> text{{
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} WHERE id = ?1",
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} WHERE username = ?1",
        // Django's create_user: date_joined now unless given, last_login NULL until a login.
        "INSERT INTO {u} (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined) VALUES (?1, CASE WHEN ?2 = 0 THEN NULL ELSE datetime(?2, 'unixepoch') END, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, CASE WHEN ?10 = 0 THEN datetime('now') ELSE datetime(?10, 'unixepoch') END)",
        // A time given to the second it already holds keeps Django's microseconds.
        "UPDATE {u} SET username = ?2, email = ?3, password = ?4, is_active = ?5, is_staff = ?6, is_superuser = ?7, "
        "first_name = ?8, last_name = ?9, "
        "date_joined = CASE WHEN " WARDEN_DJ_EPOCH("date_joined") " IS ?10 THEN date_joined "
        "ELSE datetime(?10, 'unixepoch') END, "
        "last_login = CASE WHEN ?11 = 0 THEN NULL WHEN " WARDEN_DJ_EPOCH("last_login") " IS ?11 THEN last_login "
        "ELSE datetime(?11, 'unixepoch') END WHERE id = ?1",
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} ORDER BY id",
        "UPDATE {u} SET password = ?2 WHERE id = ?1",
        "UPDATE {u} SET last_login = datetime(?2, 'unixepoch') WHERE id = ?1",
        "SELECT 1 FROM {u} WHERE id = ?1",
        "SELECT " WARDEN_DJ_EPOCH("t.created") ", " WARDEN_DJ_USER_COLUMNS("u.")
        " FROM authtoken_token t JOIN {u} u ON u.id = t.user_id WHERE t.key = ?1",
        "SELECT key FROM authtoken_token WHERE user_id = ?1",
        "INSERT INTO authtoken_token (key, created, user_id) VALUES (?1, datetime(?2, 'unixepoch'), ?3)",
        "DELETE FROM authtoken_token WHERE key = ?1",
        "DELETE FROM authtoken_token WHERE user_id = ?1",
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?1, ?2, datetime(?3, 'unixepoch'))",
        "SELECT session_data, " WARDEN_DJ_EPOCH("expire_date") " FROM django_session WHERE session_key = ?1 "
        "AND " WARDEN_DJ_EPOCH("expire_date") " > ?2",
        "SELECT session_data FROM django_session WHERE session_key = ?1",
        "UPDATE django_session SET session_data = ?2, expire_date = datetime(?3, 'unixepoch') WHERE session_key = ?1",
        "DELETE FROM django_session WHERE session_key = ?1",
        "SELECT session_key, session_data FROM django_session",
        "DELETE FROM django_session WHERE " WARDEN_DJ_EPOCH("expire_date") " <= ?1",
        // simplejwt's OutstandingToken: warden does not keep its refresh tokens, so
        // `token` is empty; created_at and user as simplejwt's for_user() writes them.
        "INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti) VALUES "
        "(?5, CASE WHEN ?3 = 0 THEN NULL ELSE datetime(?3, 'unixepoch') END, datetime(?4, 'unixepoch'), "
        "CASE WHEN ?2 = 0 THEN NULL ELSE ?2 END, ?1) ON CONFLICT (jti) DO NOTHING",
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT datetime(?2, 'unixepoch'), id "
        "FROM token_blacklist_outstandingtoken WHERE jti = ?1 ON CONFLICT (token_id) DO NOTHING",
        "SELECT 1 FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id "
        "WHERE o.jti = ?1",
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT datetime(?2, 'unixepoch'), id "
        "FROM token_blacklist_outstandingtoken WHERE user_id = ?1 ON CONFLICT (token_id) DO NOTHING",
        // No ON DELETE CASCADE in Django's schema: the blacklist rows go first.
        "DELETE FROM token_blacklist_blacklistedtoken WHERE token_id IN (SELECT id FROM "
        "token_blacklist_outstandingtoken WHERE " WARDEN_DJ_EPOCH("expires_at") " <= ?1)",
        "DELETE FROM token_blacklist_outstandingtoken WHERE " WARDEN_DJ_EPOCH("expires_at") " <= ?1",
    }};
#undef WARDEN_DJ_USER_COLUMNS
#undef WARDEN_DJ_EPOCH
    return with_user_table(text, users);
}

// The user columns of the queries above, from column `first` on: warden's nine, then
// first_name and last_name.
inline user read_sqlite_user(const sq::stmt_use& q, int first) {
    user u = sq::read_user(q, first);
    u.first_name = q.text(first + 9);
    u.last_name = q.text(first + 10);
    return u;
}

/// Throws std::system_error naming the file.
[[noreturn]] inline void refuse_sqlite(store_errc e, const std::string& path, const std::string& why) {
    throw std::system_error(make_error_code(e), "warden::django::sqlite_store: cannot use '" + path + "' (" + why + ")");
}

class sqlite_backend {
public:
    static constexpr bool blocking = true;

    sqlite_backend(std::string path, const site_options& site, std::chrono::milliseconds busy_timeout, std::size_t pool_size)
        : path_(std::move(path)), sql_(sqlite_sql(site.user_table)), views_(sql_.begin(), sql_.end()),
          pool_(path_, busy_timeout, views_), sessions_(site) {
        if (path_.empty() || path_ == ":memory:") refuse_sqlite(store_errc::io, path_, "the Django site's database file is required");
        int rc = SQLITE_OK;
        // Never created: the file is the Django site's, made by its migrations.
        auto db = sq::open_connection(path_, busy_timeout, false, rc);
        if (!db) refuse_sqlite(sq::map_error(rc), path_, rc == SQLITE_CANTOPEN ? "no such file" : sqlite3_errstr(rc));
        check_tables(db.get(), site.user_table);
        pool_.add(std::move(db));
        if (auto ec = pool_.fill(pool_size == 0 ? 1 : pool_size)) refuse_sqlite(store_errc(ec.value()), path_, "cannot open more connections");
    }

    /// A connection for this thread's reads, without waiting (detail::sqlite::pool):
    /// its writes meanwhile never wait either.
    bool try_reserve_reader() noexcept { return pool_.try_reserve_reader(); }
    void release_reader() noexcept { pool_.release_reader(); }

    std::string name() const { return "django sqlite " + path_; }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) {
        return one_user(sq_user_by_id, [&](sq::stmt_use& q) { q.bind(1, id); }, ec);
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) {
        return one_user(sq_user_by_name, [&](sq::stmt_use& q) { q.bind(1, name); }, ec);
    }
    std::error_code create_user(user& u) { return create_users(std::span<user>(&u, 1)); }

    // Transaction: all or none.
    std::error_code create_users(std::span<user> us) {
        std::error_code ec;
        auto c = pool_.acquire_writer(ec);
        if (ec) return ec;
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return sq::to_error(rc);
        std::vector<std::int64_t> ids;
        for (auto& u : us) {
            int rc = sq::run_write(*c, sq_user_insert, [&](sq::stmt_use& q) {
                q.bind(1, std::string_view(u.password))
                    .bind(2, u.last_login)
                    .bind(3, u.is_superuser)
                    .bind(4, std::string_view(u.username))
                    .bind(5, std::string_view(u.first_name))
                    .bind(6, std::string_view(u.last_name))
                    .bind(7, std::string_view(u.email))
                    .bind(8, u.is_staff)
                    .bind(9, u.is_active)
                    .bind(10, u.date_joined);
            }, ec);
            if (ec) return ec;
            if (rc != SQLITE_DONE) return sq::to_error(rc);
            ids.push_back(sqlite3_last_insert_rowid(c->db()));
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return sq::to_error(rc);
        for (std::size_t i = 0; i < us.size(); ++i) us[i].id = ids[i];
        return {};
    }

    std::error_code update_user(const user& u) {
        return sq::write_one(pool_, sq_user_update, [&](sq::stmt_use& q) {
            q.bind(1, u.id)
                .bind(2, std::string_view(u.username))
                .bind(3, std::string_view(u.email))
                .bind(4, std::string_view(u.password))
                .bind(5, u.is_active)
                .bind(6, u.is_staff)
                .bind(7, u.is_superuser)
                .bind(8, std::string_view(u.first_name))
                .bind(9, std::string_view(u.last_name))
                .bind(10, u.date_joined)
                .bind(11, u.last_login);
        }, true);
    }

    std::vector<user> list_users(std::error_code& ec) {
        std::vector<user> out;
        sq::read_rows(pool_, sq_users_all, [](sq::stmt_use&) {}, [&](const sq::stmt_use& q) { out.push_back(read_sqlite_user(q, 0)); }, ec);
        if (ec) out.clear();
        return out;
    }

    std::error_code set_user_password(std::int64_t id, std::string_view encoded) {
        return sq::write_one(pool_, sq_user_password, [&](sq::stmt_use& q) { q.bind(1, id).bind(2, encoded); }, true);
    }
    std::error_code set_last_login(std::int64_t id, std::int64_t when) {
        return sq::write_one(pool_, sq_user_last_login, [&](sq::stmt_use& q) { q.bind(1, id).bind(2, when); }, true);
    }

    // tokens (DRF's table: clear keys, one per user) --------------------------------

    std::optional<token_lookup> find_token_by_key(std::string_view key, std::error_code& ec) {
        std::optional<token_lookup> out;
        sq::read_rows(pool_, sq_token_find, [&](sq::stmt_use& q) { q.bind(1, key); },
                      [&](const sq::stmt_use& q) {
                          out = token_lookup::found({}, q.is_null(0) ? 0 : q.int64(0), 0, read_sqlite_user(q, 1));
                      }, ec);
        if (ec) out.reset();
        return out;
    }

    // Transaction: Token.objects.get_or_create(user=user).
    std::string user_token_key(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        auto c = pool_.acquire_writer(ec);
        if (ec) return {};
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return ec = sq::to_error(rc), std::string();
        bool user_exists = false;
        std::string key;
        if (!sq::read_rows_on(*c, sq_user_exists, [&](sq::stmt_use& q) { q.bind(1, user_id); },
                       [&](const sq::stmt_use&) { user_exists = true; }, ec) ||
            !sq::read_rows_on(*c, sq_token_of_user, [&](sq::stmt_use& q) { q.bind(1, user_id); },
                       [&](const sq::stmt_use& q) { key = q.text(0); }, ec))
            return {};
        if (!user_exists) return ec = store_errc::not_found, std::string();
        if (!key.empty()) return key;
        if ((ec = crypto::random_hex(20, key))) return {};   // DRF's Token.generate_key()
        int rc = sq::run_write(*c, sq_token_insert, [&](sq::stmt_use& q) { q.bind(1, std::string_view(key)).bind(2, now).bind(3, user_id); }, ec);
        if (ec) return {};
        if (rc != SQLITE_DONE || (rc = tx.commit()) != SQLITE_OK) return ec = sq::to_error(rc), std::string();
        return key;
    }

    bool remove_token_by_key(std::string_view key, std::error_code& ec) {
        return sq::changed_rows(pool_, sq_token_delete, [&](sq::stmt_use& q) { q.bind(1, key); }, ec) > 0;
    }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return sq::changed_rows(pool_, sq_tokens_delete_user, [&](sq::stmt_use& q) { q.bind(1, user_id); }, ec);
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r) {
        std::string data;
        if (auto ec = sessions_.write(r, {}, data)) return store_errc::io;
        return sq::write_one(pool_, sq_session_insert, [&](sq::stmt_use& q) {
            q.bind(1, std::string_view(r.key)).bind(2, std::string_view(data)).bind(3, r.expires_at);
        }, false);
    }

    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) {
        std::optional<session_record> out;
        sq::read_rows(pool_, sq_session_load, [&](sq::stmt_use& q) { q.bind(1, key).bind(2, now); },
                      [&](const sq::stmt_use& q) { out = sessions_.read(key, q.text(0), q.int64(1)); }, ec);
        if (ec) out.reset();
        return out;
    }

    // Transaction: the row's other keys are kept (read, merged, written under the lock).
    std::error_code save_session(const session_record& r) {
        std::error_code ec;
        auto c = pool_.acquire_writer(ec);
        if (ec) return ec;
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return sq::to_error(rc);
        std::optional<std::string> previous;
        if (!sq::read_rows_on(*c, sq_session_data, [&](sq::stmt_use& q) { q.bind(1, std::string_view(r.key)); },
                       [&](const sq::stmt_use& q) { previous = q.text(0); }, ec))
            return ec;
        if (!previous) return store_errc::not_found;
        std::string data;
        if (sessions_.write(r, *previous, data)) return store_errc::io;
        int rc = sq::run_write(*c, sq_session_update, [&](sq::stmt_use& q) {
            q.bind(1, std::string_view(r.key)).bind(2, std::string_view(data)).bind(3, r.expires_at);
        }, ec);
        if (ec) return ec;
        if (rc != SQLITE_DONE || (rc = tx.commit()) != SQLITE_OK) return sq::to_error(rc);
        return {};
    }

    bool delete_session(std::string_view key, std::error_code& ec) {
        return sq::changed_rows(pool_, sq_session_delete, [&](sq::stmt_use& q) { q.bind(1, key); }, ec) > 0;
    }

    // Transaction. Django's table does not say whose a session is: every row is read
    // and decoded (a scan, as Django's own "log out everywhere" would need).
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        auto c = pool_.acquire_writer(ec);
        if (ec) return 0;
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return ec = sq::to_error(rc), 0;
        std::vector<std::string> doomed;
        if (!sq::read_rows_on(*c, sq_sessions_all, [](sq::stmt_use&) {},
                       [&](const sq::stmt_use& q) {
                           std::string key = q.text(0);
                           if (key != except_key && sessions_.user_of(q.text(1)) == user_id) doomed.push_back(std::move(key));
                       }, ec))
            return 0;
        for (const auto& key : doomed) {
            int rc = sq::run_write(*c, sq_session_delete, [&](sq::stmt_use& q) { q.bind(1, std::string_view(key)); }, ec);
            if (ec) return 0;
            if (rc != SQLITE_DONE) return ec = sq::to_error(rc), 0;
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return ec = sq::to_error(rc), 0;
        return doomed.size();
    }

    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return sq::changed_rows(pool_, sq_sessions_purge, [&](sq::stmt_use& q) { q.bind(1, now); }, ec);
    }

    // JWT blacklist (simplejwt's tables) ---------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t) {
        return sq::write_one(pool_, sq_jwt_outstanding_insert, [&](sq::stmt_use& q) { bind_outstanding(q, t); }, false);
    }

    // Transaction: simplejwt's blacklist(): the outstanding row first if it is missing.
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        auto c = pool_.acquire_writer(ec);
        if (ec) return false;
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return ec = sq::to_error(rc), false;
        outstanding_token t;
        t.jti = std::string(jti);
        t.expires_at = expires_at;
        int rc = sq::run_write(*c, sq_jwt_outstanding_insert, [&](sq::stmt_use& q) { bind_outstanding(q, t); }, ec);
        if (ec) return false;
        if (rc != SQLITE_DONE) return ec = sq::to_error(rc), false;
        rc = sq::run_write(*c, sq_jwt_blacklist_insert, [&](sq::stmt_use& q) { q.bind(1, jti).bind(2, now); }, ec);
        if (ec) return false;
        if (rc != SQLITE_DONE) return ec = sq::to_error(rc), false;
        const bool fresh = sqlite3_changes64(c->db()) > 0;
        if ((rc = tx.commit()) != SQLITE_OK) return ec = sq::to_error(rc), false;
        return fresh;
    }

    bool is_blacklisted(std::string_view jti, std::error_code& ec) {
        bool found = false;
        sq::read_rows(pool_, sq_jwt_is_blacklisted, [&](sq::stmt_use& q) { q.bind(1, jti); }, [&](const sq::stmt_use&) { found = true; }, ec);
        return found && !ec;
    }

    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return sq::changed_rows(pool_, sq_jwt_blacklist_user, [&](sq::stmt_use& q) { q.bind(1, user_id).bind(2, now); }, ec);
    }

    // Transaction: the blacklist rows, then their outstanding rows.
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) {
        auto c = pool_.acquire_writer(ec);
        if (ec) return 0;
        sq::transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return ec = sq::to_error(rc), 0;
        std::size_t n = 0;
        for (auto id : {sq_jwt_purge_blacklisted, sq_jwt_purge_outstanding}) {
            int rc = sq::run_write(*c, id, [&](sq::stmt_use& q) { q.bind(1, now); }, ec);
            if (ec) return 0;
            if (rc != SQLITE_DONE) return ec = sq::to_error(rc), 0;
            n += static_cast<std::size_t>(sqlite3_changes64(c->db()));
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return ec = sq::to_error(rc), 0;
        return n;
    }

private:
    static void bind_outstanding(sq::stmt_use& q, const outstanding_token& t) {
        q.bind(1, std::string_view(t.jti)).bind(2, t.user_id).bind(3, t.created_at).bind(4, t.expires_at).bind(5, std::string_view());
    }

    // Refuses a file without one of the tables, or whose tables lack what the queries
    // read (every statement is prepared once here, on the first connection).
    void check_tables(sqlite3* db, std::string_view users) {
        for (std::string_view table : {users, token_table, session_table, outstanding_table, blacklisted_table}) {
            sq::stmt_handle s;
            int rc = sq::prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", s, false);
            if (rc == SQLITE_OK) rc = sqlite3_bind_text(s.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
            if (rc == SQLITE_OK) rc = sqlite3_step(s.get());
            if (rc == SQLITE_DONE) refuse_sqlite(store_errc::schema, path_, missing_table_message(table));
            if (rc != SQLITE_ROW) refuse_sqlite(sq::map_error(rc), path_, sqlite3_errstr(rc));
        }
        for (std::size_t i = 0; i < views_.size(); ++i) {
            sq::stmt_handle s;
            if (sq::prepare(db, views_[i], s, false) != SQLITE_OK)
                refuse_sqlite(store_errc::schema, path_,
                              "its Django tables lack columns warden reads (is " + std::string(users) +
                                  " an AbstractUser model, and are the tables migrated to the current Django, DRF and "
                                  "simplejwt?)");
        }
    }

    template <class Bind>
    std::shared_ptr<const user> one_user(std::size_t id, Bind&& bind, std::error_code& ec) {
        std::shared_ptr<const user> out;
        sq::read_rows(pool_, id, bind, [&](const sq::stmt_use& q) { out = std::make_shared<user>(read_sqlite_user(q, 0)); }, ec);
        if (ec) out.reset();
        return out;
    }

    std::string path_;
    std::vector<std::string> sql_;
    std::vector<std::string_view> views_;   // into sql_, as the pool reads them
    sq::pool pool_;
    session_rows sessions_;
};

} // namespace warden::django::detail

#endif
