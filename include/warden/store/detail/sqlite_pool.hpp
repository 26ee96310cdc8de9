// A small pool of SQLite connections, each with its own cache of prepared statements.
//
// Why a pool: a SQLite connection serves one statement at a time, so one shared
// connection would serialise every request. In WAL mode readers do not block each other
// nor the writer, so N connections give N concurrent readers.
//
// Why an in-process writer gate: SQLite admits one writer per database. A second
// writer in the same process would otherwise meet SQLITE_BUSY and sleep in SQLite's
// busy handler (1, 2, 5, 10 ... ms), turning a microsecond wait into milliseconds.
// Writers queue on a gate instead; the busy handler (busy_timeout) then only ever
// waits for other processes (e.g. the `warden` command writing to a live database).
#ifndef WARDEN_STORE_DETAIL_SQLITE_POOL_HPP
#define WARDEN_STORE_DETAIL_SQLITE_POOL_HPP

#include <warden/store/detail/sqlite.hpp>
#include <warden/store/error.hpp>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::sqlite {

/// Opens `path` for reading and writing (creating it when `create`), with extended
/// result codes, the busy timeout, and the per-connection settings every warden
/// connection uses. On failure returns null and sets `rc`.
inline db_handle open_connection(const std::string& path, std::chrono::milliseconds busy_timeout, bool create, int& rc) {
    sqlite3* raw = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (the pool hands it out).
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_handle db(raw);
    if (rc != SQLITE_OK) return nullptr;
    sqlite3_extended_result_codes(db.get(), 1);
    const auto ms = busy_timeout.count();
    sqlite3_busy_timeout(db.get(), ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms < 0 ? 0 : ms));
    // foreign_keys and synchronous are per connection, not stored in the file.
    // trusted_schema=OFF: a tampered file cannot make schema-defined SQL call functions
    // with side effects.
    rc = exec(db.get(), "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA trusted_schema=OFF;");
    if (rc != SQLITE_OK) return nullptr;
    return db;
}

/// A connection and its statement cache.
class connection {
public:
    connection(db_handle db, std::span<const std::string_view> sql) : db_(std::move(db)), sql_(sql), cache_(sql.size()) {}

    sqlite3* db() const noexcept { return db_.get(); }

    /// The cached statement `id` (an index into the pool's SQL list), prepared on first use.
    int statement(std::size_t id, sqlite3_stmt*& out) noexcept {
        if (!cache_[id]) {
            if (int rc = prepare(db_.get(), sql_[id], cache_[id], true); rc != SQLITE_OK) return rc;
        }
        out = cache_[id].get();
        return SQLITE_OK;
    }

    int begin_immediate() noexcept { return run(begin_, "BEGIN IMMEDIATE"); }
    int commit() noexcept { return run(commit_, "COMMIT"); }
    int rollback() noexcept { return run(rollback_, "ROLLBACK"); }

private:
    int run(stmt_handle& s, std::string_view sql) noexcept {
        if (!s) {
            if (int rc = prepare(db_.get(), sql, s, true); rc != SQLITE_OK) return rc;
        }
        int rc = sqlite3_step(s.get());
        sqlite3_reset(s.get());
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

    // Statements are declared after the handle so they are finalised first.
    db_handle db_;
    std::span<const std::string_view> sql_;
    std::vector<stmt_handle> cache_;
    stmt_handle begin_, commit_, rollback_;
};

/// A transaction on a connection that rolls back unless committed.
class transaction {
public:
    explicit transaction(connection& c) noexcept : c_(c) {}
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction() {
        if (active_) c_.rollback();
    }
    /// BEGIN IMMEDIATE: takes the write lock now, so a read-modify-write never has to
    /// upgrade a read lock (which SQLite refuses with SQLITE_BUSY, without retrying).
    int begin_immediate() noexcept {
        int rc = c_.begin_immediate();
        active_ = rc == SQLITE_OK;
        return rc;
    }
    int commit() noexcept {
        int rc = c_.commit();
        if (rc == SQLITE_OK) active_ = false;
        return rc;
    }

private:
    connection& c_;
    bool active_ = false;
};

/// A lock that can be waited for with a timeout. A mutex and a condition variable
/// rather than std::timed_mutex, whose pthread_mutex_clocklock ThreadSanitizer does not
/// see (it then reports every unlock as wrong and stops checking the writers).
class gate {
public:
    bool try_acquire_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        if (!cv_.wait_for(lock, timeout, [&] { return !held_; })) return false;
        held_ = true;
        return true;
    }
    void release() {
        {
            std::lock_guard lock(mu_);
            held_ = false;
        }
        cv_.notify_one();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool held_ = false;
};

class pool;

/// A connection borrowed from the pool (and, for writers, the writer gate); both are
/// given back on destruction.
class lease {
public:
    lease() = default;
    lease(lease&& o) noexcept
        : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)), writer_(std::exchange(o.writer_, false)) {}
    lease& operator=(lease&&) = delete;
    ~lease();

    explicit operator bool() const noexcept { return conn_ != nullptr; }
    connection* operator->() const noexcept { return conn_.get(); }
    connection& operator*() const noexcept { return *conn_; }

private:
    friend class pool;
    pool* pool_ = nullptr;
    std::unique_ptr<connection> conn_;
    bool writer_ = false;
};

/// The pool. Waits for a free connection at most `busy_timeout`, then reports
/// `store_errc::busy`.
class pool {
public:
    pool(std::string path, std::chrono::milliseconds busy_timeout, std::span<const std::string_view> sql)
        : path_(std::move(path)), busy_timeout_(busy_timeout), sql_(sql) {}

    /// Adds an open connection (the store's first one, then those `fill` opens).
    void add(db_handle db) {
        auto c = std::make_unique<connection>(std::move(db), sql_);
        std::lock_guard lock(mu_);
        idle_.push_back(std::move(c));
        ++size_;
    }

    /// Opens connections until the pool holds `n`.
    std::error_code fill(std::size_t n) {
        while (size_ < n) {
            int rc = SQLITE_OK;
            auto db = open_connection(path_, busy_timeout_, false, rc);
            if (!db) return to_error(rc);
            add(std::move(db));
        }
        return {};
    }

    /// A connection for reading.
    lease acquire(std::error_code& ec) {
        lease l;
        take(l, ec);
        return l;
    }

    /// A connection for writing: in-process writers are serialised first (see the file
    /// comment), then a connection is taken.
    lease acquire_writer(std::error_code& ec) {
        lease l;
        if (!writer_gate_.try_acquire_for(busy_timeout_)) {
            ec = store_errc::busy;
            return l;
        }
        take(l, ec);
        if (ec) writer_gate_.release();
        else l.writer_ = true;
        return l;
    }

    std::chrono::milliseconds busy_timeout() const noexcept { return busy_timeout_; }

private:
    friend class lease;

    void take(lease& l, std::error_code& ec) {
        std::unique_lock lock(mu_);
        if (!cv_.wait_for(lock, busy_timeout_, [&] { return !idle_.empty(); })) {
            ec = store_errc::busy;
            return;
        }
        l.conn_ = std::move(idle_.back());
        idle_.pop_back();
        l.pool_ = this;
        ec.clear();
    }

    void give_back(std::unique_ptr<connection> c) {
        {
            std::lock_guard lock(mu_);
            idle_.push_back(std::move(c));
        }
        cv_.notify_one();
    }

    std::string path_;
    std::chrono::milliseconds busy_timeout_;
    std::span<const std::string_view> sql_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<connection>> idle_;
    std::size_t size_ = 0;
    gate writer_gate_;
};

inline lease::~lease() {
    if (!pool_) return;
    // The connection goes back before the writer gate opens, so the next writer finds
    // a connection free.
    if (conn_) pool_->give_back(std::move(conn_));
    if (writer_) pool_->writer_gate_.release();
}

// --- Running the pool's cached statements (both SQLite backends) ---------------------

/// The cached statement `id` of connection `c`, wrapped for one use.
inline std::optional<stmt_use> use(connection& c, std::size_t id, std::error_code& ec) {
    sqlite3_stmt* s = nullptr;
    if (int rc = c.statement(id, s); rc != SQLITE_OK) {
        ec = to_error(rc);
        return std::nullopt;
    }
    ec.clear();
    return std::optional<stmt_use>(std::in_place, s);
}

/// Runs a row-returning statement on a held connection (inside a transaction), calling
/// `row` per row; false with `ec` set on failure.
template <class Bind, class Row>
bool read_rows_on(connection& c, std::size_t id, Bind&& bind, Row&& row, std::error_code& ec) {
    auto q = use(c, id, ec);
    if (ec) return false;
    bind(*q);
    int rc;
    while ((rc = q->step()) == SQLITE_ROW) row(*q);
    if (rc != SQLITE_DONE) return ec = to_error(rc), false;
    return true;
}

/// Runs a row-returning statement on a reading connection, calling `row` per row.
template <class Bind, class Row>
void read_rows(pool& p, std::size_t id, Bind&& bind, Row&& row, std::error_code& ec) {
    auto c = p.acquire(ec);
    if (!ec) read_rows_on(*c, id, bind, row, ec);
}

/// Runs a write statement on an already held connection; returns the step's code.
template <class Bind>
int run_write(connection& c, std::size_t id, Bind&& bind, std::error_code& ec) {
    auto q = use(c, id, ec);
    if (ec) return SQLITE_ERROR;
    bind(*q);
    return q->step();
}

/// One write statement; `must_change`: no row changed means `not_found`.
template <class Bind>
std::error_code write_one(pool& p, std::size_t id, Bind&& bind, bool must_change) {
    std::error_code ec;
    auto c = p.acquire_writer(ec);
    if (ec) return ec;
    int rc = run_write(*c, id, bind, ec);
    if (ec) return ec;
    if (rc != SQLITE_DONE) return to_error(rc);
    if (must_change && sqlite3_changes64(c->db()) == 0) return store_errc::not_found;
    return {};
}

/// One write statement; returns how many rows it changed.
template <class Bind>
std::size_t changed_rows(pool& p, std::size_t id, Bind&& bind, std::error_code& ec) {
    auto c = p.acquire_writer(ec);
    if (ec) return 0;
    int rc = run_write(*c, id, bind, ec);
    if (ec) return 0;
    if (rc != SQLITE_DONE) return ec = to_error(rc), 0;
    return static_cast<std::size_t>(sqlite3_changes64(c->db()));
}

} // namespace warden::detail::sqlite

#endif
