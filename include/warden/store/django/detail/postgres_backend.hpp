// The backend of warden::django::postgres_store: Django's own tables in the Django
// site's PostgreSQL database, through the same connections, pool, deadline and error
// mapping as warden::postgres_store (store/detail/pg*.hpp). The semantics are those of
// the SQLite backend (sqlite_backend.hpp); only the SQL differs.
//
// Times: Django's PostgreSQL columns are `timestamp with time zone` (absolute instants,
// whatever the session's TimeZone); they are read as whole seconds with
// floor(extract(epoch from ...)), as SQLite's strftime('%s', ...) truncates Django's
// microseconds, and written with to_timestamp($n). A condition "read time > now" is
// written `col >= to_timestamp(now + 1)` (the same rows for a whole `now`), so that
// the index Django keeps on expire_date serves the session purge.
//
// Each operation runs on one pooled connection with one deadline (the wait for the
// connection and every round trip). Single statements are atomic by themselves; the
// operations of several statements that must be (create_users, save_session,
// blacklist, purge_expired_jwt) run in a transaction.
#ifndef WARDEN_STORE_DJANGO_DETAIL_POSTGRES_BACKEND_HPP
#define WARDEN_STORE_DJANGO_DETAIL_POSTGRES_BACKEND_HPP

#include <warden/core/identity.hpp>
#include <warden/crypto/random.hpp>
#include <warden/store/detail/pg.hpp>
#include <warden/store/detail/pg_backend.hpp>
#include <warden/store/detail/pg_connection.hpp>
#include <warden/store/detail/pg_schema.hpp>
#include <warden/store/django/options.hpp>
#include <warden/store/django/session_rows.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <libpq-fe.h>

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

namespace pg = warden::detail::pg;

enum postgres_query : std::size_t {
    pq_user_by_id,
    pq_user_by_name,
    pq_user_insert,
    pq_user_update,
    pq_users_all,
    pq_user_batch_lock,
    pq_user_password,
    pq_user_last_login,
    pq_token_find,
    pq_token_of_user,
    pq_token_insert,
    pq_token_delete,
    pq_tokens_delete_user,
    pq_session_insert,
    pq_session_load,
    pq_session_lock,
    pq_session_update,
    pq_session_delete,
    pq_sessions_first,
    pq_sessions_next,
    pq_sessions_delete,
    pq_sessions_purge,
    pq_jwt_outstanding_insert,
    pq_jwt_blacklist_insert,
    pq_jwt_is_blacklisted,
    pq_jwt_blacklist_user,
    pq_jwt_purge_blacklisted,
    pq_jwt_purge_outstanding,
    postgres_query_count
};

// The names the statements are prepared under (a pool of this backend's own: they do
// not meet warden's schema's statements on a connection).
inline constexpr std::array<const char*, postgres_query_count> postgres_statement_names{{
    "warden_dj_user_by_id",        "warden_dj_user_by_name",       "warden_dj_user_insert",
    "warden_dj_user_update",       "warden_dj_users_all",          "warden_dj_user_batch_lock",
    "warden_dj_user_password",     "warden_dj_user_last_login",    "warden_dj_token_find",
    "warden_dj_token_of_user",     "warden_dj_token_insert",       "warden_dj_token_delete",
    "warden_dj_tokens_delete_user", "warden_dj_session_insert",    "warden_dj_session_load",
    "warden_dj_session_lock",      "warden_dj_session_update",     "warden_dj_session_delete",
    "warden_dj_sessions_first",    "warden_dj_sessions_next",      "warden_dj_sessions_delete",
    "warden_dj_sessions_purge",    "warden_dj_jwt_outstanding_insert", "warden_dj_jwt_blacklist_insert",
    "warden_dj_jwt_is_blacklisted", "warden_dj_jwt_blacklist_user", "warden_dj_jwt_purge_blacklisted",
    "warden_dj_jwt_purge_outstanding",
}};
static_assert(postgres_statement_names.back() != nullptr, "a name for every statement");

/// Rows of django_session read per round trip by delete_user_sessions' scan.
inline constexpr std::size_t session_scan_page = 1000;

// The SQL of each query, with the user table's name put in ("{u}").
inline std::vector<std::string> postgres_sql(std::string_view users) {
#define WARDEN_DJ_EPOCH(col) "floor(extract(epoch from " col "))::bigint"
#define WARDEN_DJ_USER_COLUMNS(p)                                                                              \
    p "id, " p "username, " p "email, " p "password, " p "is_active, " p "is_staff, " p "is_superuser, "      \
      WARDEN_DJ_EPOCH(p "date_joined") ", " WARDEN_DJ_EPOCH(p "last_login") ", " p "first_name, " p "last_name"
#define WARDEN_DJ_PAGE "1000"
    static_assert(session_scan_page == 1000, "WARDEN_DJ_PAGE is session_scan_page");
    static constexpr std::array<std::string_view, postgres_query_count> text{{
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} WHERE id = $1::bigint",
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} WHERE username = $1::text",
        // Django's create_user: date_joined now unless given, last_login NULL until a
        // login. The guard makes a taken name draw no id from the sequence (a race
        // between two new names is caught by the unique index: duplicate).
        "INSERT INTO {u} (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined) SELECT $1::text, CASE WHEN $2::bigint = 0 THEN NULL ELSE to_timestamp($2::bigint) END, "
        "$3::boolean, $4::text, $5::text, $6::text, $7::text, $8::boolean, $9::boolean, "
        "CASE WHEN $10::bigint = 0 THEN now() ELSE to_timestamp($10::bigint) END "
        "WHERE NOT EXISTS (SELECT 1 FROM {u} WHERE username = $4::text) RETURNING id",
        // A time given to the second it already holds keeps Django's microseconds.
        "UPDATE {u} SET username = $2::text, email = $3::text, password = $4::text, is_active = $5::boolean, "
        "is_staff = $6::boolean, is_superuser = $7::boolean, first_name = $8::text, last_name = $9::text, "
        "date_joined = CASE WHEN " WARDEN_DJ_EPOCH("date_joined") " = $10::bigint THEN date_joined "
        "ELSE to_timestamp($10::bigint) END, "
        "last_login = CASE WHEN $11::bigint = 0 THEN NULL WHEN " WARDEN_DJ_EPOCH("last_login") " = $11::bigint "
        "THEN last_login ELSE to_timestamp($11::bigint) END WHERE id = $1::bigint",
        "SELECT " WARDEN_DJ_USER_COLUMNS("") " FROM {u} ORDER BY id",
        // Batches take turns (as warden's own schema's), so each one's ids are consecutive.
        "SELECT pg_advisory_xact_lock($1::bigint)",
        "UPDATE {u} SET password = $2::text WHERE id = $1::bigint",
        "UPDATE {u} SET last_login = to_timestamp($2::bigint) WHERE id = $1::bigint",
        "SELECT " WARDEN_DJ_EPOCH("t.created") ", " WARDEN_DJ_USER_COLUMNS("u.")
        " FROM authtoken_token t JOIN {u} u ON u.id = t.user_id WHERE t.key = $1::text",
        "SELECT key FROM authtoken_token WHERE user_id = $1::bigint",
        // get_or_create's create: whether the user exists, and the key if this row went in
        // (none when another caller's did: the next statement reads it).
        "WITH u AS (SELECT id FROM {u} WHERE id = $3::bigint), ins AS (INSERT INTO authtoken_token (key, created, "
        "user_id) SELECT $1::text, to_timestamp($2::bigint), id FROM u ON CONFLICT (user_id) DO NOTHING RETURNING key) "
        "SELECT (SELECT count(*) FROM u), (SELECT key FROM ins)",
        "DELETE FROM authtoken_token WHERE key = $1::text",
        "DELETE FROM authtoken_token WHERE user_id = $1::bigint",
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ($1::text, $2::text, to_timestamp($3::bigint))",
        "SELECT session_data, " WARDEN_DJ_EPOCH("expire_date") " FROM django_session WHERE session_key = $1::text "
        "AND expire_date >= to_timestamp($2::bigint + 1)",
        "SELECT session_data FROM django_session WHERE session_key = $1::text FOR UPDATE",
        "UPDATE django_session SET session_data = $2::text, expire_date = to_timestamp($3::bigint) "
        "WHERE session_key = $1::text",
        "DELETE FROM django_session WHERE session_key = $1::text",
        // The scan of delete_user_sessions, a page at a time in key order.
        "SELECT session_key, session_data FROM django_session ORDER BY session_key LIMIT " WARDEN_DJ_PAGE,
        "SELECT session_key, session_data FROM django_session WHERE session_key > $1::text ORDER BY session_key "
        "LIMIT " WARDEN_DJ_PAGE,
        "DELETE FROM django_session WHERE session_key = ANY($1::text[])",
        "DELETE FROM django_session WHERE expire_date < to_timestamp($1::bigint + 1)",
        // simplejwt's OutstandingToken: warden does not keep its refresh tokens, so
        // `token` is empty; created_at and user as simplejwt's for_user() writes them.
        "INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti) VALUES "
        "('', CASE WHEN $3::bigint = 0 THEN NULL ELSE to_timestamp($3::bigint) END, to_timestamp($4::bigint), "
        "CASE WHEN $2::bigint = 0 THEN NULL ELSE $2::bigint END, $1::text) ON CONFLICT (jti) DO NOTHING",
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT to_timestamp($2::bigint), id "
        "FROM token_blacklist_outstandingtoken WHERE jti = $1::text ON CONFLICT (token_id) DO NOTHING",
        "SELECT 1 FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id "
        "WHERE o.jti = $1::text",
        "INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) SELECT to_timestamp($2::bigint), id "
        "FROM token_blacklist_outstandingtoken WHERE user_id = $1::bigint ON CONFLICT (token_id) DO NOTHING",
        // No ON DELETE CASCADE in Django's schema: the blacklist rows go first. The
        // outstanding rows are locked, so no blacklist row for them comes in between.
        "DELETE FROM token_blacklist_blacklistedtoken WHERE token_id IN (SELECT id FROM "
        "token_blacklist_outstandingtoken WHERE expires_at < to_timestamp($1::bigint + 1) FOR UPDATE)",
        "DELETE FROM token_blacklist_outstandingtoken WHERE expires_at < to_timestamp($1::bigint + 1)",
    }};
    static_assert(!text.back().empty(), "a statement for every query");
#undef WARDEN_DJ_PAGE
#undef WARDEN_DJ_USER_COLUMNS
#undef WARDEN_DJ_EPOCH
    return with_user_table(text, users);
}

// The user columns of the queries above, from column `first` on: warden's nine, then
// first_name and last_name.
inline user read_postgres_user(const pg::row_reader& q, int first) {
    user u = pg::read_user(q, first);
    u.first_name = std::string(q.text(first + 9));
    u.last_name = std::string(q.text(first + 10));
    return u;
}

// A text[] parameter in PostgreSQL's array syntax: every element quoted, `"` and `\`
// escaped.
inline std::string text_array(std::span<const std::string> items) {
    std::string s = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) s.push_back(',');
        s.push_back('"');
        for (char c : items[i]) {
            if (c == '"' || c == '\\') s.push_back('\\');
            s.push_back(c);
        }
        s.push_back('"');
    }
    s.push_back('}');
    return s;
}

/// Throws std::system_error naming the server (never a password).
[[noreturn]] inline void refuse_postgres(store_errc e, const std::string& where, const std::string& why) {
    throw std::system_error(make_error_code(e), "warden::django::postgres_store: cannot use " + where + " (" + why + ")");
}

class postgres_backend {
public:
    /// Calls wait on the network.
    static constexpr bool blocking = true;

    /// Connects (by the deadline), checks that Django's tables are there and hold what
    /// the statements read (each is prepared once), and never changes the schema.
    /// `schema`: a validated identifier put in the connection's search_path, or empty.
    /// @throws std::system_error with a `store_errc` and a message naming the server.
    postgres_backend(std::string url, const site_options& site, std::chrono::milliseconds timeout, std::size_t pool_size,
                     const std::string& schema = {})
        : where_(pg::describe(url)), sql_(postgres_sql(site.user_table)),
          db_(std::make_shared<const pg::conninfo>(url, timeout, schema), statements(sql_), timeout, pool_size),
          sessions_(site) {
        const auto until = pg::clock::now() + timeout;
        std::error_code ec;
        std::string why;
        auto c = db_.open(until, ec, &why);
        if (!c) refuse_postgres(store_errc(ec.value()), where_, why.empty() ? ec.message() : why);
        check_tables(c.get(), site.user_table, until);
        db_.adopt(std::move(c), true);   // check_tables prepared every statement
    }

    std::string name() const { return "django " + where_; }
    /// The server: `postgresql://USER@HOST:PORT/DBNAME`, never a password.
    const std::string& where() const noexcept { return where_; }
    /// Connections open now (for monitoring and tests).
    std::size_t connections() { return db_.connections(); }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) {
        return one_user(pq_user_by_id, pg::params().add(id), ec);
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) {
        return one_user(pq_user_by_name, pg::params().add(name), ec);
    }

    std::error_code create_user(user& u) {
        std::error_code ec;
        auto o = db_.begin(ec);
        if (ec) return ec;
        return insert_user(o, u);
    }

    // A transaction under the batch lock: all or none, each batch's ids consecutive.
    std::error_code create_users(std::span<user> us) {
        return db_.insert_all(pq_user_batch_lock, pg::params().add(pg::user_batch_lock_key), us,
                              [this](pg::client::operation& o, user& u) { return insert_user(o, u); });
    }

    std::error_code update_user(const user& u) {
        pg::params p;
        p.add(u.id)
            .add(u.username)
            .add(u.email)
            .add(u.password)
            .add(u.is_active)
            .add(u.is_staff)
            .add(u.is_superuser)
            .add(u.first_name)
            .add(u.last_name)
            .add(u.date_joined)
            .add(u.last_login);
        return db_.write(pq_user_update, p, true);
    }

    std::vector<user> list_users(std::error_code& ec) {
        std::vector<user> out;
        db_.rows(pq_users_all, pg::params(), [&](const pg::row_reader& q) { out.push_back(read_postgres_user(q, 0)); }, ec);
        if (ec) out.clear();
        return out;
    }

    std::error_code set_user_password(std::int64_t id, std::string_view encoded) {
        return db_.write(pq_user_password, pg::params().add(id).add(encoded), true);
    }
    std::error_code set_last_login(std::int64_t id, std::int64_t when) {
        return db_.write(pq_user_last_login, pg::params().add(id).add(when), true);
    }

    // tokens (DRF's table: clear keys, one per user) --------------------------------

    std::optional<token_lookup> find_token_by_key(std::string_view key, std::error_code& ec) {
        std::optional<token_lookup> out;
        db_.rows(pq_token_find, pg::params().add(key), [&](const pg::row_reader& q) {
            out = token_lookup::found({}, q.is_null(0) ? 0 : q.int64(0), 0, read_postgres_user(q, 1));
        }, ec);
        if (ec) out.reset();
        return out;
    }

    // Token.objects.get_or_create(user=user), without holding a transaction open: the
    // key is read; if there is none, a new one goes in unless another caller's went in
    // first (ON CONFLICT (user_id) DO NOTHING waits for that caller), which is then read.
    std::string user_token_key(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        auto o = db_.begin(ec);
        if (ec) return {};
        for (int round = 0; round < 3; ++round) {
            std::string key;
            auto r = o.run(pq_token_of_user, pg::params().add(user_id), ec);
            if (ec) return {};
            if (PQntuples(r.get()) == 1) return std::string(pg::row_reader{r.get(), 0}.text(0));
            if ((ec = crypto::random_hex(20, key))) return {};   // DRF's Token.generate_key()
            r = o.run(pq_token_insert, pg::params().add(key).add(now).add(user_id), ec);
            if (ec) return {};
            const pg::row_reader q{r.get(), 0};
            if (PQntuples(r.get()) != 1 || q.int64(0) == 0) return ec = store_errc::not_found, std::string();
            if (!q.is_null(1)) return key;
            // Another caller's key went in meanwhile (and may have been revoked since).
        }
        ec = store_errc::busy;
        return {};
    }

    bool remove_token_by_key(std::string_view key, std::error_code& ec) {
        return db_.changed(pq_token_delete, pg::params().add(key), ec) > 0;
    }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return db_.changed(pq_tokens_delete_user, pg::params().add(user_id), ec);
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r) {
        std::string data;
        if (sessions_.write(r, {}, data)) return store_errc::io;
        return db_.write(pq_session_insert, pg::params().add(r.key).add(data).add(r.expires_at), false);
    }

    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) {
        std::optional<session_record> out;
        db_.rows(pq_session_load, pg::params().add(key).add(now),
                 [&](const pg::row_reader& q) { out = sessions_.read(key, q.text(0), q.int64(1)); }, ec);
        if (ec) out.reset();
        return out;
    }

    // Transaction: the row's other keys are kept (read under its lock, merged, written).
    std::error_code save_session(const session_record& r) {
        std::error_code ec;
        auto o = db_.begin(ec);
        if (ec || !o.begin_transaction(ec)) return ec;
        auto locked = o.run(pq_session_lock, pg::params().add(r.key), ec);
        std::string data;
        if (!ec && PQntuples(locked.get()) == 0) ec = store_errc::not_found;
        if (!ec && sessions_.write(r, pg::row_reader{locked.get(), 0}.text(0), data)) ec = store_errc::io;
        if (!ec) o.run(pq_session_update, pg::params().add(r.key).add(data).add(r.expires_at), ec);
        return o.end_transaction(ec);
    }

    bool delete_session(std::string_view key, std::error_code& ec) {
        return db_.changed(pq_session_delete, pg::params().add(key), ec) > 0;
    }

    // Django's table does not say whose a session is: every row is read and decoded (a
    // scan, as Django's own "log out everywhere" would need), a page at a time, and the
    // user's rows are deleted in one statement. Django never moves a session key to
    // another user (login and logout cycle the key), so a row found the user's stays so.
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        auto o = db_.begin(ec);
        if (ec) return 0;
        std::vector<std::string> doomed;
        std::string after;
        for (bool first = true;; first = false) {
            pg::params p;
            if (!first) p.add(after);
            auto r = o.run(first ? pq_sessions_first : pq_sessions_next, p, ec);
            if (ec) return 0;
            const int n = PQntuples(r.get());
            for (int i = 0; i < n; ++i) {
                const pg::row_reader q{r.get(), i};
                if (q.text(0) != except_key && sessions_.user_of(q.text(1)) == user_id) doomed.emplace_back(q.text(0));
            }
            if (static_cast<std::size_t>(n) < session_scan_page) break;
            after = std::string(pg::row_reader{r.get(), n - 1}.text(0));
        }
        if (doomed.empty()) return 0;
        auto r = o.run(pq_sessions_delete, pg::params().add(text_array(doomed)), ec);
        return ec ? 0 : pg::changed_rows(r.get());
    }

    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return db_.changed(pq_sessions_purge, pg::params().add(now), ec);
    }

    // JWT blacklist (simplejwt's tables) ---------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t) {
        return db_.write(pq_jwt_outstanding_insert, outstanding_params(t), false);
    }

    // Transaction: simplejwt's blacklist(): the outstanding row first if it is missing.
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        auto o = db_.begin(ec);
        if (ec || !o.begin_transaction(ec)) return false;
        outstanding_token t;
        t.jti = std::string(jti);
        t.expires_at = expires_at;
        bool fresh = false;
        o.run(pq_jwt_outstanding_insert, outstanding_params(t), ec);
        if (!ec) {
            auto r = o.run(pq_jwt_blacklist_insert, pg::params().add(t.jti).add(now), ec);
            fresh = !ec && pg::changed_rows(r.get()) > 0;
        }
        ec = o.end_transaction(ec);
        return !ec && fresh;
    }

    bool is_blacklisted(std::string_view jti, std::error_code& ec) {
        bool found = false;
        db_.rows(pq_jwt_is_blacklisted, pg::params().add(jti), [&](const pg::row_reader&) { found = true; }, ec);
        return found && !ec;
    }

    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return db_.changed(pq_jwt_blacklist_user, pg::params().add(user_id).add(now), ec);
    }

    // Transaction: the blacklist rows, then their outstanding rows.
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) {
        auto o = db_.begin(ec);
        if (ec || !o.begin_transaction(ec)) return 0;
        std::size_t n = 0;
        for (auto id : {pq_jwt_purge_blacklisted, pq_jwt_purge_outstanding}) {
            auto r = o.run(id, pg::params().add(now), ec);
            if (ec) break;
            n += pg::changed_rows(r.get());
        }
        ec = o.end_transaction(ec);
        return ec ? 0 : n;
    }

private:
    std::error_code insert_user(pg::client::operation& o, user& u) {
        pg::params p;
        p.add(u.password)
            .add(u.last_login)
            .add(u.is_superuser)
            .add(u.username)
            .add(u.first_name)
            .add(u.last_name)
            .add(u.email)
            .add(u.is_staff)
            .add(u.is_active)
            .add(u.date_joined);
        std::error_code ec;
        auto r = o.run(pq_user_insert, p, ec);
        if (ec) return ec;
        if (PQntuples(r.get()) != 1) return store_errc::duplicate;
        u.id = pg::row_reader{r.get(), 0}.int64(0);
        return {};
    }

    static pg::params outstanding_params(const outstanding_token& t) {
        pg::params p;
        p.add(t.jti).add(t.user_id).add(t.created_at).add(t.expires_at);
        return p;
    }

    std::shared_ptr<const user> one_user(postgres_query id, const pg::params& p, std::error_code& ec) {
        std::shared_ptr<const user> out;
        db_.rows(id, p, [&](const pg::row_reader& q) { out = std::make_shared<user>(read_postgres_user(q, 0)); }, ec);
        if (ec) out.reset();
        return out;
    }

    // Refuses a database without one of the tables (in the connection's search_path),
    // or whose tables lack what the statements read: every statement is prepared here,
    // once, on the first connection. Nothing is created or altered.
    void check_tables(PGconn* c, std::string_view users, pg::deadline until) {
        const std::array<std::string_view, 5> tables{users, token_table, session_table, outstanding_table, blacklisted_table};
        std::string sql = "SELECT ";
        for (std::size_t i = 0; i < tables.size(); ++i) {
            // Names are identifiers (check_site_options, the constants): no quoting needed.
            if (i) sql += ", ";
            sql.append("to_regclass('").append(tables[i]).append("') IS NOT NULL");
        }
        std::error_code ec;
        bool broken = false;
        auto r = pg::run_text(c, sql.c_str(), until, ec, broken);
        if (!ec && (!r || PQntuples(r.get()) != 1)) ec = store_errc::io;
        if (ec) refuse_postgres(setup_error(ec), where_, "reading the catalog failed: " + ec.message());
        for (std::size_t i = 0; i < tables.size(); ++i)
            if (!pg::row_reader{r.get(), 0}.boolean(static_cast<int>(i)))
                refuse_postgres(store_errc::schema, where_, missing_table_message(tables[i]));
        for (const auto& s : db_.statements()) {
            if (!PQsendPrepare(c, s.name, s.sql, 0, nullptr)) refuse_postgres(store_errc::unavailable, where_, "the connection broke");
            pg::await_result(c, until, ec, broken);
            if (ec && setup_error(ec) != store_errc::io) refuse_postgres(setup_error(ec), where_, ec.message());
            if (ec)
                refuse_postgres(store_errc::schema, where_,
                                "its Django tables lack columns warden reads (is " + std::string(users) +
                                    " an AbstractUser model, and are the tables migrated to the current Django, DRF and "
                                    "simplejwt?); statement " + s.name + " does not prepare");
        }
    }

    // An outage stays one (503-able); any other failure at start-up is io.
    static store_errc setup_error(const std::error_code& ec) {
        const auto e = store_errc(ec.value());
        return e == store_errc::timeout || e == store_errc::unavailable || e == store_errc::busy ? e : store_errc::io;
    }

    // The statements' names and sql_'s text, in query order.
    static std::vector<pg::statement> statements(const std::vector<std::string>& sql) {
        std::vector<pg::statement> out;
        out.reserve(sql.size());
        for (std::size_t i = 0; i < sql.size(); ++i) out.push_back({postgres_statement_names[i], sql[i].c_str()});
        return out;
    }

    std::string where_;
    std::vector<std::string> sql_;   // before db_, whose statements point into it
    pg::client db_;
    session_rows sessions_;
};

} // namespace warden::django::detail

#endif
