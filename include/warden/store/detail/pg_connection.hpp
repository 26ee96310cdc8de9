// PostgreSQL connections for the pool: how one is opened (the URL plus warden's
// settings), how an idle one is found dead, and how a statement runs on one, prepared
// on its first use there. Nothing here knows a schema: statements come from the
// schema in use (pg_schema.hpp for warden's own tables).
#ifndef WARDEN_STORE_DETAIL_PG_CONNECTION_HPP
#define WARDEN_STORE_DETAIL_PG_CONNECTION_HPP

#include <warden/store/detail/net_pool.hpp>
#include <warden/store/detail/pg.hpp>
#include <warden/store/error.hpp>

#include <libpq-fe.h>

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

/// Runs statement `id` of `stmts` with `p` on the leased connection by `until`,
/// preparing it first if this connection has not. On failure returns null with `ec`;
/// a broken connection is dropped from the pool (which goes down when the deadline
/// passed; see net_pool.hpp).
inline result_handle run(pool::lease& l, std::span<const statement> stmts, std::size_t id, const params& p, deadline until,
                         std::error_code& ec) {
    PGconn* c = l->handle.get();
    bool broken = false;
    if (!l->prepared[id]) {
        if (!PQsendPrepare(c, stmts[id].name, stmts[id].sql, 0, nullptr)) {
            ec = store_errc::unavailable;
            l.drop(ec);
            return {};
        }
        await_result(c, until, ec, broken);
        if (ec) {
            if (broken) l.drop(ec);
            return {};
        }
        l->prepared[id] = true;
    }
    if (!PQsendQueryPrepared(c, stmts[id].name, p.count(), p.values(), nullptr, nullptr, 0)) {
        ec = store_errc::unavailable;
        l.drop(ec);
        return {};
    }
    auto r = await_result(c, until, ec, broken);
    if (broken) l.drop(ec);
    return r;
}

/// Runs SQL text without parameters (transaction control, schema set-up), by `until`.
inline result_handle run_text(PGconn* c, const char* sql, deadline until, std::error_code& ec, bool& broken) {
    if (!PQsendQuery(c, sql)) {
        broken = true;
        ec = store_errc::unavailable;
        return {};
    }
    return await_result(c, until, ec, broken);
}

} // namespace warden::detail::pg

#endif
