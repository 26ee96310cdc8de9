// The backend of warden::sqlite_store: one cached statement per operation, run on a
// pooled connection. Every operation is a single statement (atomic by itself) except
// those marked "transaction", which run in BEGIN IMMEDIATE.
#ifndef WARDEN_STORE_DETAIL_SQLITE_STATE_HPP
#define WARDEN_STORE_DETAIL_SQLITE_STATE_HPP

#include <warden/core/identity.hpp>
#include <warden/store/detail/sqlite.hpp>
#include <warden/store/detail/sqlite_pool.hpp>
#include <warden/store/detail/sqlite_schema.hpp>
#include <warden/store/detail/throttle_window.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::sqlite {

enum query : std::size_t {
    q_user_by_id,
    q_user_by_name,
    q_user_insert,
    q_user_update,
    q_users_all,
    q_token_insert,
    q_token_find,
    q_token_delete,
    q_tokens_delete_user,
    q_tokens_of_user,
    q_tokens_purge,
    q_tokens_keep_newest,
    q_session_insert,
    q_session_load,
    q_session_update,
    q_session_delete,
    q_sessions_delete_user,
    q_sessions_purge,
    q_throttle_get,
    q_throttle_put,
    q_throttle_delete,
    q_throttle_purge,
    q_jwt_outstanding_insert,
    q_jwt_blacklist_insert,
    q_jwt_is_blacklisted,
    q_jwt_blacklist_user,
    q_jwt_purge_outstanding,
    q_jwt_purge_blacklist,
    query_count
};

#define WARDEN_SQLITE_USER_COLUMNS "id, username, email, password, is_active, is_staff, is_superuser, date_joined, last_login"

inline constexpr std::array<std::string_view, query_count> queries{{
    "SELECT " WARDEN_SQLITE_USER_COLUMNS " FROM users WHERE id = ?1",
    "SELECT " WARDEN_SQLITE_USER_COLUMNS " FROM users WHERE username = ?1",
    "INSERT INTO users (username, email, password, is_active, is_staff, is_superuser, date_joined, last_login) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "UPDATE users SET username = ?2, email = ?3, password = ?4, is_active = ?5, is_staff = ?6, is_superuser = ?7, "
    "date_joined = ?8, last_login = ?9 WHERE id = ?1",
    "SELECT " WARDEN_SQLITE_USER_COLUMNS " FROM users ORDER BY id",
    "INSERT INTO tokens (digest, user_id, created, expires_at) VALUES (?1, ?2, ?3, ?4)",
    "SELECT t.created, t.expires_at, u.id, u.username, u.email, u.password, u.is_active, u.is_staff, u.is_superuser, "
    "u.date_joined, u.last_login FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = ?1",
    "DELETE FROM tokens WHERE digest = ?1",
    "DELETE FROM tokens WHERE user_id = ?1",
    "SELECT digest, user_id, created, expires_at FROM tokens WHERE user_id = ?1 ORDER BY created, id",
    "DELETE FROM tokens WHERE expires_at <> 0 AND expires_at <= ?1",
    "DELETE FROM tokens WHERE user_id = ?1 AND id NOT IN "
    "(SELECT id FROM tokens WHERE user_id = ?1 ORDER BY created DESC, id DESC LIMIT ?2)",
    "INSERT INTO sessions (session_key, user_id, auth_hash, csrf_secret, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    "SELECT user_id, auth_hash, csrf_secret, expires_at FROM sessions WHERE session_key = ?1 AND expires_at > ?2",
    "UPDATE sessions SET user_id = ?2, auth_hash = ?3, csrf_secret = ?4, expires_at = ?5 WHERE session_key = ?1",
    "DELETE FROM sessions WHERE session_key = ?1",
    // ?2 is NULL when no session is excepted: `IS NOT NULL` keeps every row in scope.
    "DELETE FROM sessions WHERE user_id = ?1 AND session_key IS NOT ?2",
    "DELETE FROM sessions WHERE expires_at <= ?1",
    "SELECT hits FROM throttle WHERE cache_key = ?1",
    "INSERT INTO throttle (cache_key, hits, newest) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (cache_key) DO UPDATE SET hits = excluded.hits, newest = excluded.newest",
    "DELETE FROM throttle WHERE cache_key = ?1",
    "DELETE FROM throttle WHERE newest <= ?1",
    "INSERT INTO jwt_outstanding (jti, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (jti) DO NOTHING",
    "INSERT INTO jwt_blacklist (jti, expires_at, blacklisted_at) VALUES (?1, ?2, ?3) ON CONFLICT (jti) DO NOTHING",
    "SELECT 1 FROM jwt_blacklist WHERE jti = ?1",
    // The WHERE clause is required: it ends the SELECT so ON CONFLICT parses as the upsert.
    "INSERT INTO jwt_blacklist (jti, expires_at, blacklisted_at) SELECT jti, expires_at, ?2 FROM jwt_outstanding "
    "WHERE user_id = ?1 ON CONFLICT (jti) DO NOTHING",
    "DELETE FROM jwt_outstanding WHERE expires_at <= ?1",
    "DELETE FROM jwt_blacklist WHERE expires_at <= ?1",
}};

#undef WARDEN_SQLITE_USER_COLUMNS

// Throttle hits are stored as one BLOB per key: little-endian IEEE 754 doubles, oldest
// first. A key holds at most `limit` hits, so one row read and one row written per hit
// beats a row per hit (and its repeated key) by a wide margin.
inline void encode_hits(const std::vector<double>& hits, std::vector<unsigned char>& out) {
    out.resize(hits.size() * 8);
    for (std::size_t i = 0; i < hits.size(); ++i) {
        auto bits = std::bit_cast<std::uint64_t>(hits[i]);
        for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<unsigned char>(bits >> (8 * b));
    }
}

inline bool decode_hits(std::span<const unsigned char> in, std::vector<double>& out) {
    if (in.size() % 8 != 0) return false;
    out.resize(in.size() / 8);
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint64_t bits = 0;
        for (int b = 0; b < 8; ++b) bits |= std::uint64_t{in[i * 8 + b]} << (8 * b);
        out[i] = std::bit_cast<double>(bits);
    }
    // The step below relies on the order; a hand-edited row must not break it.
    if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
    return true;
}

// Binds the user fields after the id, from parameter `first` on.
inline void bind_user_fields(stmt_use& q, int first, const user& u) {
    q.bind(first, std::string_view(u.username))
        .bind(first + 1, std::string_view(u.email))
        .bind(first + 2, std::string_view(u.password))
        .bind(first + 3, u.is_active)
        .bind(first + 4, u.is_staff)
        .bind(first + 5, u.is_superuser)
        .bind(first + 6, u.date_joined);
    // Django's last_login is NULL until the first login.
    if (u.last_login == 0) q.bind_null(first + 7);
    else q.bind(first + 7, u.last_login);
}

inline std::span<const unsigned char> digest_bytes(const token::key_digest& d) noexcept { return {d.data(), d.size()}; }

class sqlite_state {
public:
    /// Calls wait on the database file.
    static constexpr bool blocking = true;

    sqlite_state(std::string path, std::chrono::milliseconds busy_timeout, std::size_t pool_size)
        : path_(path), pool_(path, busy_timeout, queries) {
        // An in-memory or temporary database is private to each connection, so a pool
        // of them would be several unrelated databases.
        if (path.empty() || path == ":memory:")
            refuse(store_errc::io, path, "a database file path is required; use warden::memory_store in memory");
        int rc = SQLITE_OK;
        auto db = open_connection(path, busy_timeout, true, rc);
        if (!db) refuse_rc(rc, path);
        prepare_database(db.get(), path, migrations);
        pool_.add(std::move(db));
        if (auto ec = pool_.fill(std::max<std::size_t>(pool_size, 1)))
            refuse(store_errc(ec.value()), path, "cannot open more connections");
    }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) {
        return one_user(q_user_by_id, [&](stmt_use& q) { q.bind(1, id); }, ec);
    }

    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) {
        return one_user(q_user_by_name, [&](stmt_use& q) { q.bind(1, name); }, ec);
    }

    /// A connection for this thread's reads, without waiting (detail::sqlite::pool):
    /// its writes meanwhile never wait either.
    bool try_reserve_reader() noexcept { return pool_.try_reserve_reader(); }
    void release_reader() noexcept { pool_.release_reader(); }

    std::string name() const { return "sqlite " + path_; }

    std::error_code create_user(user& u) { return create_users(std::span<user>(&u, 1)); }

    // Transaction: all users or none (AUTOINCREMENT's counter rolls back too, so a
    // refused batch consumes no id).
    std::error_code create_users(std::span<user> us) {
        std::error_code ec;
        auto c = pool_.acquire_writer(ec);
        if (ec) return ec;
        transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return to_error(rc);
        std::vector<std::int64_t> ids;
        ids.reserve(us.size());
        for (auto& u : us) {
            auto q = use(*c, q_user_insert, ec);
            if (ec) return ec;
            bind_user_fields(*q, 1, u);
            if (int rc = q->step(); rc != SQLITE_DONE) return to_error(rc);
            // Read on the same connection while it is still held: no other insert can
            // have run on it in between.
            ids.push_back(sqlite3_last_insert_rowid(c->db()));
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return to_error(rc);
        for (std::size_t i = 0; i < us.size(); ++i) us[i].id = ids[i];
        return {};
    }

    std::error_code update_user(const user& u) {
        return write_one(pool_, q_user_update, [&](stmt_use& q) {
            q.bind(1, u.id);
            bind_user_fields(q, 2, u);
        }, true);
    }

    std::vector<user> list_users(std::error_code& ec) {
        std::vector<user> out;
        read_rows(pool_, q_users_all, [](stmt_use&) {}, [&](const stmt_use& q) { out.push_back(read_user(q, 0)); }, ec);
        if (ec) out.clear();
        return out;
    }

    // tokens -----------------------------------------------------------------------

    std::error_code add_token(const token_record& t) {
        return write_one(pool_, q_token_insert, [&](stmt_use& q) { bind_token(q, t); }, false);
    }

    // Transaction: the insert and the trim of the user's oldest tokens.
    std::error_code add_token_capped(const token_record& t, std::size_t keep) {
        if (keep == 0) return add_token(t);
        std::error_code ec;
        auto c = pool_.acquire_writer(ec);
        if (ec) return ec;
        transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return to_error(rc);
        int rc = run_write(*c, q_token_insert, [&](stmt_use& q) { bind_token(q, t); }, ec);
        if (!ec && rc == SQLITE_DONE)
            rc = run_write(*c, q_tokens_keep_newest, [&](stmt_use& q) {
                q.bind(1, t.user_id).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(keep, INT64_MAX)));
            }, ec);
        if (ec) return ec;
        if (rc != SQLITE_DONE) return to_error(rc);
        if ((rc = tx.commit()) != SQLITE_OK) return to_error(rc);
        return {};
    }

    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec) {
        std::optional<token_lookup> out;
        read_rows(pool_, q_token_find, [&](stmt_use& q) { q.bind_blob(1, digest_bytes(d)); },
                  [&](const stmt_use& q) { out = token_lookup::found(d, q.int64(0), q.int64(1), read_user(q, 2)); }, ec);
        if (ec) out.reset();
        return out;
    }

    bool remove_token(const token::key_digest& d, std::error_code& ec) {
        return changed_rows(pool_, q_token_delete, [&](stmt_use& q) { q.bind_blob(1, digest_bytes(d)); }, ec) > 0;
    }

    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return changed_rows(pool_, q_tokens_delete_user, [&](stmt_use& q) { q.bind(1, user_id); }, ec);
    }

    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec) {
        std::vector<token_record> out;
        read_rows(pool_, q_tokens_of_user, [&](stmt_use& q) { q.bind(1, user_id); },
                  [&](const stmt_use& q) {
                      token_record t;
                      auto b = q.blob(0);
                      if (b.size() == t.digest.size()) std::memcpy(t.digest.data(), b.data(), b.size());
                      t.user_id = q.int64(1);
                      t.created = q.int64(2);
                      t.expires_at = q.int64(3);
                      out.push_back(t);
                  }, ec);
        if (ec) out.clear();
        return out;
    }

    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        return changed_rows(pool_, q_tokens_purge, [&](stmt_use& q) { q.bind(1, now); }, ec);
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r) {
        return write_one(pool_, q_session_insert, [&](stmt_use& q) { bind_session(q, r); }, false);
    }

    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) {
        std::optional<session_record> out;
        read_rows(pool_, q_session_load, [&](stmt_use& q) { q.bind(1, key).bind(2, now); },
                  [&](const stmt_use& q) {
                      session_record r;
                      r.key = std::string(key);
                      r.user_id = q.int64(0);
                      r.auth_hash = q.text(1);
                      r.csrf_secret = q.text(2);
                      r.expires_at = q.int64(3);
                      out = std::move(r);
                  }, ec);
        if (ec) out.reset();
        return out;
    }

    std::error_code save_session(const session_record& r) {
        return write_one(pool_, q_session_update, [&](stmt_use& q) { bind_session(q, r); }, true);
    }

    bool delete_session(std::string_view key, std::error_code& ec) {
        return changed_rows(pool_, q_session_delete, [&](stmt_use& q) { q.bind(1, key); }, ec) > 0;
    }

    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        return changed_rows(pool_, q_sessions_delete_user, [&](stmt_use& q) {
            q.bind(1, user_id);
            if (except_key.empty()) q.bind_null(2);
            else q.bind(2, except_key);
        }, ec);
    }

    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return changed_rows(pool_, q_sessions_purge, [&](stmt_use& q) { q.bind(1, now); }, ec);
    }

    // throttle (transaction) -------------------------------------------------------

    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return changed_rows(pool_, q_throttle_purge, [&](stmt_use& q) { q.bind(1, now - max_window); }, ec);
    }

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        // Refused outright, as in the memory store: no key is created, nothing is read.
        if (!throttle_inputs_valid(now, window)) return ec.clear(), throttle_state{false, 0, 0.0};
        auto c = pool_.acquire_writer(ec);
        if (ec) return {false, 0, 0.0};
        transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return fail(ec, rc);

        std::vector<double> hits;
        bool existed = false;
        {
            auto q = use(*c, q_throttle_get, ec);
            if (ec) return {false, 0, 0.0};
            q->bind(1, key);
            int rc = q->step();
            if (rc == SQLITE_ROW) {
                existed = true;
                if (!decode_hits(q->blob(0), hits)) return ec = store_errc::corrupt, throttle_state{false, 0, 0.0};
            } else if (rc != SQLITE_DONE) {
                return fail(ec, rc);
            }
        }
        const std::size_t before = hits.size();
        const auto state = apply_throttle_hit(hits, now, window, limit);
        if (hits.size() != before || state.allowed) {
            int rc = SQLITE_OK;
            if (hits.empty()) {
                if (existed) rc = run_write(*c, q_throttle_delete, [&](stmt_use& q) { q.bind(1, key); }, ec);
            } else {
                std::vector<unsigned char> blob;
                encode_hits(hits, blob);
                rc = run_write(*c, q_throttle_put, [&](stmt_use& q) {
                    q.bind(1, key).bind_blob(2, blob).bind(3, hits.back());
                }, ec);
            }
            if (ec) return {false, 0, 0.0};
            if (rc != SQLITE_DONE) return fail(ec, rc);
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return fail(ec, rc);
        ec.clear();
        return state;
    }

    // JWT blacklist ----------------------------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t) {
        return write_one(pool_, q_jwt_outstanding_insert, [&](stmt_use& q) {
            q.bind(1, std::string_view(t.jti)).bind(2, t.user_id).bind(3, t.created_at).bind(4, t.expires_at);
        }, false);
    }

    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        return changed_rows(pool_, q_jwt_blacklist_insert, [&](stmt_use& q) { q.bind(1, jti).bind(2, expires_at).bind(3, now); },
                           ec) > 0;
    }

    bool is_blacklisted(std::string_view jti, std::error_code& ec) {
        bool found = false;
        read_rows(pool_, q_jwt_is_blacklisted, [&](stmt_use& q) { q.bind(1, jti); }, [&](const stmt_use&) { found = true; }, ec);
        return found && !ec;
    }

    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return changed_rows(pool_, q_jwt_blacklist_user, [&](stmt_use& q) { q.bind(1, user_id).bind(2, now); }, ec);
    }

    // Transaction: both lists are purged together or not at all.
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) {
        auto c = pool_.acquire_writer(ec);
        if (ec) return 0;
        transaction tx(*c);
        if (int rc = tx.begin_immediate(); rc != SQLITE_OK) return ec = to_error(rc), 0;
        std::size_t n = 0;
        for (auto id : {q_jwt_purge_outstanding, q_jwt_purge_blacklist}) {
            int rc = run_write(*c, id, [&](stmt_use& q) { q.bind(1, now); }, ec);
            if (ec) return 0;
            if (rc != SQLITE_DONE) return ec = to_error(rc), 0;
            n += static_cast<std::size_t>(sqlite3_changes64(c->db()));
        }
        if (int rc = tx.commit(); rc != SQLITE_OK) return ec = to_error(rc), 0;
        return n;
    }

private:
    static throttle_state fail(std::error_code& ec, int rc) {
        ec = to_error(rc);
        return {false, 0, 0.0};
    }

    static void bind_token(stmt_use& q, const token_record& t) {
        q.bind_blob(1, digest_bytes(t.digest)).bind(2, t.user_id).bind(3, t.created).bind(4, t.expires_at);
    }

    static void bind_session(stmt_use& q, const session_record& r) {
        q.bind(1, std::string_view(r.key))
            .bind(2, r.user_id)
            .bind(3, std::string_view(r.auth_hash))
            .bind(4, std::string_view(r.csrf_secret))
            .bind(5, r.expires_at);
    }

    template <class Bind>
    std::shared_ptr<const user> one_user(query id, Bind&& bind, std::error_code& ec) {
        std::shared_ptr<const user> out;
        read_rows(pool_, id, bind, [&](const stmt_use& q) { out = std::make_shared<user>(read_user(q, 0)); }, ec);
        if (ec) out.reset();
        return out;
    }

    std::string path_;
    pool pool_;
};

} // namespace warden::detail::sqlite

#endif
