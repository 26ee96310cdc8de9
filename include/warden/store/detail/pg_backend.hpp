// The backend of warden::postgres_store over warden's own schema (pg_schema.hpp):
// each operation is one prepared statement on a pooled connection, with one deadline
// for the wait for a connection and the round trip. Every operation is a single
// statement, atomic by itself (the throttle step and the capped token add are server
// functions), except `create_users`, which runs in a transaction.
#ifndef WARDEN_STORE_DETAIL_PG_BACKEND_HPP
#define WARDEN_STORE_DETAIL_PG_BACKEND_HPP

#include <warden/core/identity.hpp>
#include <warden/store/detail/pg.hpp>
#include <warden/store/detail/pg_connection.hpp>
#include <warden/store/detail/pg_schema.hpp>
#include <warden/store/detail/throttle_window.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <libpq-fe.h>

#include <algorithm>
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

namespace warden::detail::pg {

/// How the backend connects: the URL, the deadline of each operation, the pool size,
/// and the PostgreSQL schema (namespace) holding warden's tables (empty: the server's
/// search_path, normally `public`).
struct backend_config {
    std::string url;
    std::chrono::milliseconds timeout{5000};
    std::size_t pool_size = 8;
    std::string schema;
};

/// The URL for messages and logs: host, port, database and user, never a password.
inline std::string describe(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (err) PQfreemem(err);
    if (!opts) return "postgresql (an unreadable connection string)";
    std::string host, port, db, user;
    for (auto* o = opts; o->keyword; ++o) {
        if (!o->val) continue;
        std::string_view k = o->keyword;
        if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
        else if (k == "port") port = o->val;
        else if (k == "dbname") db = o->val;
        else if (k == "user") user = o->val;
    }
    PQconninfoFree(opts);
    std::string out = "postgresql://";
    if (!user.empty()) out.append(user).append("@");
    out.append(host.empty() ? "localhost" : host);
    if (!port.empty()) out.append(":").append(port);
    if (!db.empty()) out.append("/").append(db);
    return out;
}

/// A user from its columns read from `first` on: id, username, email, password,
/// is_active, is_staff, is_superuser, date_joined and last_login as seconds (NULL: 0).
/// Both PostgreSQL schemas (warden's, Django's) select them in this order.
inline user read_user(const row_reader& q, int first) {
    user u;
    u.id = q.int64(first);
    u.username = std::string(q.text(first + 1));
    u.email = std::string(q.text(first + 2));
    u.password = std::string(q.text(first + 3));
    u.is_active = q.boolean(first + 4);
    u.is_staff = q.boolean(first + 5);
    u.is_superuser = q.boolean(first + 6);
    u.date_joined = q.is_null(first + 7) ? 0 : q.int64(first + 7);
    u.last_login = q.is_null(first + 8) ? 0 : q.int64(first + 8);
    return u;
}

// The user fields after the id, in the order of the insert and update statements.
inline void add_user_fields(params& p, const user& u) {
    p.add(u.username).add(u.email).add(u.password).add(u.is_active).add(u.is_staff).add(u.is_superuser).add(u.date_joined);
    // Django's last_login is NULL until the first login.
    if (u.last_login == 0) p.add_null();
    else p.add(u.last_login);
}

class backend {
public:
    /// Calls wait on the network.
    static constexpr bool blocking = true;

    /// Connects (by the deadline) and creates or upgrades the schema.
    /// @throws std::system_error with a `store_errc` and a message naming the server.
    explicit backend(backend_config cfg)
        : cfg_(std::move(cfg)), name_(describe(cfg_.url)),
          db_(std::make_shared<const conninfo>(cfg_.url, cfg_.timeout, cfg_.schema),
              {warden_statements.begin(), warden_statements.end()}, cfg_.timeout, cfg_.pool_size) {
        const auto until = clock::now() + cfg_.timeout;
        std::error_code ec;
        std::string why;
        auto c = db_.open(until, ec, &why);
        if (!c) refuse(store_errc(ec.value()), name_, why.empty() ? ec.message() : why);
        prepare_database(c.get(), name_, cfg_.schema, "warden_schema_version", warden_migrations, until);
        db_.adopt(std::move(c), false);
    }

    std::string name() const { return name_; }
    /// Connections open now (for monitoring and tests).
    std::size_t connections() { return db_.connections(); }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) {
        return one_user(q_user_by_id, params().add(id), ec);
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) {
        return one_user(q_user_by_name, params().add(name), ec);
    }

    std::error_code create_user(user& u) {
        std::error_code ec;
        auto o = db_.begin(ec);
        if (ec) return ec;
        return insert_user(o, u);
    }

    // A transaction under the batch lock: batches take turns, so each one's ids are
    // consecutive, and a refused batch (a name taken) draws no id and writes nothing.
    std::error_code create_users(std::span<user> us) {
        return db_.insert_all(q_user_batch_lock, params().add(user_batch_lock_key), us,
                              [this](client::operation& o, user& u) { return insert_user(o, u); });
    }

    std::error_code update_user(const user& u) {
        params p;
        p.add(u.id);
        add_user_fields(p, u);
        return db_.write(q_user_update, p, true);
    }

    std::vector<user> list_users(std::error_code& ec) {
        std::vector<user> out;
        db_.rows(q_users_all, params(), [&](const row_reader& q) { out.push_back(read_user(q, 0)); }, ec);
        if (ec) out.clear();
        return out;
    }

    // tokens -----------------------------------------------------------------------

    std::error_code add_token(const token_record& t) { return db_.write(q_token_insert, token_params(t), false); }

    std::error_code add_token_capped(const token_record& t, std::size_t keep) {
        if (keep == 0) return add_token(t);
        auto p = token_params(t);
        p.add(static_cast<std::int64_t>(std::min<std::size_t>(keep, INT64_MAX)));
        return db_.write(q_token_capped, p, false);
    }

    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec) {
        std::optional<token_lookup> out;
        db_.rows(q_token_find, params().add_bytes(d),
                 [&](const row_reader& q) { out = token_lookup::found(d, q.int64(0), q.int64(1), read_user(q, 2)); }, ec);
        if (ec) out.reset();
        return out;
    }

    bool remove_token(const token::key_digest& d, std::error_code& ec) {
        return db_.changed(q_token_delete, params().add_bytes(d), ec) > 0;
    }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return db_.changed(q_tokens_delete_user, params().add(user_id), ec);
    }

    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec) {
        std::vector<token_record> out;
        db_.rows(q_tokens_of_user, params().add(user_id), [&](const row_reader& q) {
            token_record t;
            if (!q.bytes(0, t.digest)) t.digest = {};
            t.user_id = q.int64(1);
            t.created = q.int64(2);
            t.expires_at = q.int64(3);
            out.push_back(t);
        }, ec);
        if (ec) out.clear();
        return out;
    }

    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        return db_.changed(q_tokens_purge, params().add(now), ec);
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r) { return db_.write(q_session_insert, session_params(r), false); }

    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) {
        std::optional<session_record> out;
        db_.rows(q_session_load, params().add(key).add(now), [&](const row_reader& q) {
            session_record r;
            r.key = std::string(key);
            r.user_id = q.int64(0);
            r.auth_hash = std::string(q.text(1));
            r.csrf_secret = std::string(q.text(2));
            r.expires_at = q.int64(3);
            out = std::move(r);
        }, ec);
        if (ec) out.reset();
        return out;
    }

    std::error_code save_session(const session_record& r) { return db_.write(q_session_update, session_params(r), true); }

    bool delete_session(std::string_view key, std::error_code& ec) {
        return db_.changed(q_session_delete, params().add(key), ec) > 0;
    }

    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        params p;
        p.add(user_id);
        if (except_key.empty()) p.add_null();
        else p.add(except_key);
        return db_.changed(q_sessions_delete_user, p, ec);
    }

    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return db_.changed(q_sessions_purge, params().add(now), ec);
    }

    // throttle ---------------------------------------------------------------------

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        // Refused outright, as in the other backends: no key is created, nothing is sent.
        if (!throttle_inputs_valid(now, window)) return ec.clear(), throttle_state{false, 0, 0.0};
        throttle_state s{false, 0, 0.0};
        db_.rows(q_throttle_hit,
                 params().add(key).add(now).add(window).add(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX))),
                 [&](const row_reader& q) {
                     s.allowed = q.boolean(0);
                     s.count = static_cast<std::size_t>(q.int64(1));
                     s.oldest = q.real(2);
                 },
                 ec);
        if (ec) return {false, 0, 0.0};
        return s;
    }

    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return db_.changed(q_throttle_purge, params().add(now - max_window), ec);
    }

    // JWT blacklist ----------------------------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t) {
        return db_.write(q_jwt_outstanding_insert, params().add(t.jti).add(t.user_id).add(t.created_at).add(t.expires_at), false);
    }
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        return db_.changed(q_jwt_blacklist_insert, params().add(jti).add(expires_at).add(now), ec) > 0;
    }
    bool is_blacklisted(std::string_view jti, std::error_code& ec) {
        bool found = false;
        db_.rows(q_jwt_is_blacklisted, params().add(jti), [&](const row_reader&) { found = true; }, ec);
        return found && !ec;
    }
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return db_.changed(q_jwt_blacklist_user, params().add(user_id).add(now), ec);
    }
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) {
        std::size_t n = 0;
        db_.rows(q_jwt_purge, params().add(now), [&](const row_reader& q) { n = static_cast<std::size_t>(q.int64(0)); }, ec);
        return ec ? 0 : n;
    }

private:
    static params token_params(const token_record& t) {
        params p;
        p.add_bytes(t.digest).add(t.user_id).add(t.created).add(t.expires_at);
        return p;
    }
    static params session_params(const session_record& r) {
        params p;
        p.add(r.key).add(r.user_id).add(r.auth_hash).add(r.csrf_secret).add(r.expires_at);
        return p;
    }

    std::error_code insert_user(client::operation& o, user& u) {
        params p;
        add_user_fields(p, u);
        std::error_code ec;
        auto r = o.run(q_user_insert, p, ec);
        if (ec) return ec;
        if (PQntuples(r.get()) != 1) return store_errc::duplicate;
        u.id = row_reader{r.get(), 0}.int64(0);
        return {};
    }

    std::shared_ptr<const user> one_user(warden_query id, const params& p, std::error_code& ec) {
        std::shared_ptr<const user> out;
        db_.rows(id, p, [&](const row_reader& q) { out = std::make_shared<user>(read_user(q, 0)); }, ec);
        if (ec) out.reset();
        return out;
    }

    backend_config cfg_;
    std::string name_;
    client db_;
};

} // namespace warden::detail::pg

#endif
