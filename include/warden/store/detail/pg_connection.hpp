// PostgreSQL connections for the pool: how one is opened (the URL plus warden's
// settings), how an idle one is found dead, and the client both PostgreSQL backends
// (warden's tables, Django's) run their operations through: a statement prepared on a
// connection at its first use there, transactions, one deadline per operation. Nothing
// here knows a schema: statements come from the schema in use (pg_schema.hpp for
// warden's own tables, django/detail/postgres_backend.hpp for Django's).
#ifndef WARDEN_STORE_DETAIL_PG_CONNECTION_HPP
#define WARDEN_STORE_DETAIL_PG_CONNECTION_HPP

#include <warden/store/detail/net_pool.hpp>
#include <warden/store/detail/pg.hpp>
#include <warden/store/error.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::pg {

/// A statement of a schema: its SQL and the name it is prepared under.
struct statement {
    const char* name;
    const char* sql;
};

/// A connection and which of the schema's statements it has prepared (by index).
struct connection {
    conn_handle handle;
    std::vector<bool> prepared;
};

/// What a connection is opened with: the URL (or key=value text) the user gave, and the
/// settings warden adds (application name, statement timeout, search path).
class conninfo {
public:
    conninfo(std::string url, std::chrono::milliseconds timeout, const std::string& schema)
        : url_(std::move(url)),
          options_("-c statement_timeout=" + std::to_string(timeout.count()) +
                   " -c idle_in_transaction_session_timeout=" + std::to_string(timeout.count()) +
                   (schema.empty() ? std::string() : " -c search_path=" + schema)) {}

    /// Opens a connection by `until`.
    conn_handle open(deadline until, std::error_code& ec, std::string* why = nullptr) const {
        // Later keywords override earlier ones (expand_dbname expands the URL in its
        // place): a URL may name its own application_name; warden's options come last.
        const char* keywords[] = {"application_name", "dbname", "options", nullptr};
        const char* values[] = {"warden", url_.c_str(), options_.c_str(), nullptr};
        return connect(keywords, values, until, ec, why);
    }

private:
    std::string url_;
    std::string options_;
};

/// The pool's factory for PostgreSQL connections.
class connection_factory {
public:
    connection_factory(std::shared_ptr<const conninfo> info, std::size_t statements)
        : info_(std::move(info)), statements_(statements) {}

    std::unique_ptr<connection> open(deadline until, std::error_code& ec) const {
        auto h = info_->open(until, ec);
        if (!h) return nullptr;
        return adopt(std::move(h));
    }
    std::unique_ptr<connection> adopt(conn_handle h) const {
        auto c = std::make_unique<connection>();
        c->handle = std::move(h);
        c->prepared.assign(statements_, false);
        return c;
    }
    static bool dead(connection& c) noexcept { return idle_connection_dead(c.handle.get()); }

private:
    std::shared_ptr<const conninfo> info_;
    std::size_t statements_;
};

using pool = net_pool<connection, connection_factory>;

/// A backend's access to its server: the pool of connections and the statements they
/// run (by id, each prepared on a connection at its first use there). Every store call
/// is one `operation`: one connection, and one deadline for the wait for it and for
/// every round trip.
class client {
public:
    class operation;

    /// `stmts`: the schema's statements, indexed by id; their text must outlive the client.
    client(std::shared_ptr<const conninfo> info, std::vector<statement> stmts, std::chrono::milliseconds timeout,
           std::size_t pool_size)
        : info_(std::move(info)), stmts_(std::move(stmts)), timeout_(timeout),
          pool_(connection_factory(info_, stmts_.size()), pool_size) {}

    /// Opens a connection outside the pool by `until`: the backend's first, which checks
    /// or creates the schema before `adopt` gives it to the pool. `why`: the server's message.
    conn_handle open(deadline until, std::error_code& ec, std::string* why) const { return info_->open(until, ec, why); }

    /// Adds the connection the backend opened at start; `prepared`: every statement is
    /// prepared on it already.
    void adopt(conn_handle h, bool prepared) {
        auto c = connection_factory(info_, stmts_.size()).adopt(std::move(h));
        if (prepared) c->prepared.assign(stmts_.size(), true);
        pool_.add(std::move(c));
    }

    const std::vector<statement>& statements() const noexcept { return stmts_; }
    /// Connections open now (idle and in use).
    std::size_t connections() { return pool_.open_count(); }

    /// Starts an operation: a connection by the deadline, or `ec` (`busy`, `unavailable`,
    /// `timeout`), after which the operation's calls fail with `unavailable`.
    operation begin(std::error_code& ec);

    /// Runs one statement as its own operation and calls `row(row_reader)` for each row.
    template <class Row>
    void rows(std::size_t id, const params& p, Row&& row, std::error_code& ec);
    /// Runs one statement as its own operation: the rows it changed (0 with `ec` on failure).
    std::size_t changed(std::size_t id, const params& p, std::error_code& ec);
    /// Runs one write as its own operation; `must_change`: no row changed is `not_found`.
    std::error_code write(std::size_t id, const params& p, bool must_change);
    /// Inserts `items` in one transaction that first runs statement `lock` with
    /// `lock_params` (an advisory lock, so that batches take turns): all or none.
    /// `insert(operation&, T&)` inserts one item and sets what the database assigned
    /// (its id) on it; `items` get those values only when the whole batch committed.
    template <class T, class Insert>
    std::error_code insert_all(std::size_t lock, const params& lock_params, std::span<T> items, Insert insert);

private:
    std::shared_ptr<const conninfo> info_;
    std::vector<statement> stmts_;
    std::chrono::milliseconds timeout_;
    pool pool_;
};

/// One operation's connection and deadline. Inside BEGIN ... COMMIT a connection left
/// so (a failed ROLLBACK, an exception on the way) is closed, never given back to the
/// pool mid-transaction.
class client::operation {
public:
    operation(const operation&) = delete;
    operation& operator=(const operation&) = delete;
    ~operation() {
        if (in_transaction_) lease_.drop();
    }

    /// Runs statement `id` with `p`, preparing it first if this connection has not. On
    /// failure returns null with `ec`; a broken connection is dropped from the pool
    /// (which goes down when the deadline passed; see net_pool.hpp), and the
    /// operation's later calls fail with `unavailable`.
    result_handle run(std::size_t id, const params& p, std::error_code& ec) {
        if (!lease_) {
            ec = store_errc::unavailable;
            return {};
        }
        PGconn* c = lease_->handle.get();
        const statement& s = (*stmts_)[id];
        bool broken = false;
        if (!lease_->prepared[id]) {
            if (!PQsendPrepare(c, s.name, s.sql, 0, nullptr)) return lost(ec);
            await_result(c, until_, ec, broken);
            if (ec) {
                if (broken) lease_.drop(ec);
                return {};
            }
            lease_->prepared[id] = true;
        }
        if (!PQsendQueryPrepared(c, s.name, p.count(), p.values(), nullptr, nullptr, 0)) return lost(ec);
        auto r = await_result(c, until_, ec, broken);
        if (broken) lease_.drop(ec);
        return r;
    }

    /// BEGIN; false with `ec` on failure.
    bool begin_transaction(std::error_code& ec) {
        if (!control("BEGIN", ec)) return false;
        in_transaction_ = true;
        return true;
    }

    /// COMMIT when the operation succeeded (`ec` clear), else ROLLBACK; returns the
    /// operation's error, or the COMMIT's (a deferred constraint, say). Whether the
    /// connection is out of the transaction is asked of libpq: a failed COMMIT ends it.
    std::error_code end_transaction(std::error_code ec) {
        std::error_code ended;
        control(ec ? "ROLLBACK" : "COMMIT", ended);
        if (lease_ && PQtransactionStatus(lease_->handle.get()) == PQTRANS_IDLE) in_transaction_ = false;
        return ec ? ec : ended;
    }

private:
    friend class client;
    operation(const std::vector<statement>& stmts, deadline until, pool::lease lease) noexcept
        : stmts_(&stmts), until_(until), lease_(std::move(lease)) {}

    result_handle lost(std::error_code& ec) {
        ec = store_errc::unavailable;
        lease_.drop(ec);
        return {};
    }

    // Transaction control; false with `ec` on failure (a broken connection is dropped,
    // as any statement's).
    bool control(const char* sql, std::error_code& ec);

    const std::vector<statement>* stmts_;
    deadline until_;
    pool::lease lease_;
    bool in_transaction_ = false;
};

/// Runs SQL text without parameters (transaction control, schema set-up), by `until`.
inline result_handle run_text(PGconn* c, const char* sql, deadline until, std::error_code& ec, bool& broken) {
    if (!PQsendQuery(c, sql)) {
        broken = true;
        ec = store_errc::unavailable;
        return {};
    }
    return await_result(c, until, ec, broken);
}

inline bool client::operation::control(const char* sql, std::error_code& ec) {
    if (!lease_) {
        ec = store_errc::unavailable;
        return false;
    }
    bool broken = false;
    run_text(lease_->handle.get(), sql, until_, ec, broken);
    if (broken) lease_.drop(ec);
    return !ec;
}

inline client::operation client::begin(std::error_code& ec) {
    const deadline until = clock::now() + timeout_;
    return operation(stmts_, until, pool_.acquire(until, ec));
}

template <class Row>
void client::rows(std::size_t id, const params& p, Row&& row, std::error_code& ec) {
    auto o = begin(ec);
    if (ec) return;
    auto r = o.run(id, p, ec);
    if (ec) return;
    for (int i = 0, n = PQntuples(r.get()); i < n; ++i) row(row_reader{r.get(), i});
}

inline std::size_t client::changed(std::size_t id, const params& p, std::error_code& ec) {
    auto o = begin(ec);
    if (ec) return 0;
    auto r = o.run(id, p, ec);
    return ec ? 0 : changed_rows(r.get());
}

template <class T, class Insert>
std::error_code client::insert_all(std::size_t lock, const params& lock_params, std::span<T> items, Insert insert) {
    if (items.empty()) return {};
    std::error_code ec;
    auto o = begin(ec);
    if (ec || !o.begin_transaction(ec)) return ec;
    std::vector<T> inserted;
    inserted.reserve(items.size());
    o.run(lock, lock_params, ec);
    for (std::size_t i = 0; !ec && i < items.size(); ++i) {
        T copy = items[i];
        if (!(ec = insert(o, copy))) inserted.push_back(std::move(copy));
    }
    if ((ec = o.end_transaction(ec))) return ec;
    std::move(inserted.begin(), inserted.end(), items.begin());
    return {};
}

inline std::error_code client::write(std::size_t id, const params& p, bool must_change) {
    std::error_code ec;
    auto o = begin(ec);
    if (ec) return ec;
    auto r = o.run(id, p, ec);
    if (ec) return ec;
    if (must_change && changed_rows(r.get()) == 0) return store_errc::not_found;
    return {};
}

} // namespace warden::detail::pg

#endif
