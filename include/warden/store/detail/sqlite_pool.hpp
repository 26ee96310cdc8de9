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

/// Sets the connection's busy timeout (SQLite's busy handler), clamped to its int range.
inline void set_busy_timeout(sqlite3* db, std::chrono::milliseconds timeout) noexcept {
    const auto ms = timeout.count();
    sqlite3_busy_timeout(db, ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms < 0 ? 0 : ms));
}

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
    set_busy_timeout(db.get(), busy_timeout);
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
/// given back on destruction. A lease on the connection the thread has reserved
/// (`pool::try_reserve_reader`) only borrows it: the reservation gives it back.
class lease {
public:
    lease() = default;
    lease(lease&& o) noexcept
        : pool_(std::exchange(o.pool_, nullptr)), conn_(std::exchange(o.conn_, nullptr)),
          reserved_(std::exchange(o.reserved_, false)), writer_(std::exchange(o.writer_, false)) {}
    lease& operator=(lease&&) = delete;
    ~lease();

    explicit operator bool() const noexcept { return conn_ != nullptr; }
    connection* operator->() const noexcept { return conn_; }
    connection& operator*() const noexcept { return *conn_; }

private:
    friend class pool;
    pool* pool_ = nullptr;
    connection* conn_ = nullptr;
    bool reserved_ = false;   // the thread's reserved connection: not given back here
    bool writer_ = false;
};

// A thread's reserved readers (pool::try_reserve_reader): at most one per pool, two
// pools at once.
struct reader_slot {
    const pool* owner = nullptr;
    connection* conn = nullptr;
};
inline thread_local reader_slot reader_slots[2];

/// The pool. Waits for a free connection at most `busy_timeout`, then reports
/// `store_errc::busy`.
///
/// Reads on the calling thread: `try_reserve_reader()` takes an idle connection for the
/// calling thread, or fails at once when none is idle. Until `release_reader()` the
/// thread's reads use it without touching the pool, and its writes never wait: the
/// writer gate is only tried, and SQLite's busy handler is off for them, so a write
/// that cannot go at once fails with `store_errc::busy`. The server reserves this way
/// to run a route that only reads (its policies declare `store_reads_only`) on the I/O
/// thread instead of handing it to the blocking pool (docs/deployment.md).
class pool {
public:
    pool(std::string path, std::chrono::milliseconds busy_timeout, std::span<const std::string_view> sql)
        : path_(std::move(path)), busy_timeout_(busy_timeout), sql_(sql) {}

    /// Adds an open connection (the store's first one, then those `fill` opens).
    void add(db_handle db) {
        auto c = std::make_unique<connection>(std::move(db), sql_);
        std::lock_guard lock(mu_);
        idle_.reserve(all_.size() + 1);
        all_.push_back(std::move(c));
        idle_.push_back(all_.back().get());
    }

    /// Opens connections until the pool holds `n`.
    std::error_code fill(std::size_t n) {
        while (size() < n) {
            int rc = SQLITE_OK;
            auto db = open_connection(path_, busy_timeout_, false, rc);
            if (!db) return to_error(rc);
            add(std::move(db));
        }
        return {};
    }

    /// A connection for reading: the thread's reserved one, else one from the pool.
    lease acquire(std::error_code& ec) {
        lease l;
        if (auto* r = reserved()) {
            l.pool_ = this;
            l.conn_ = r;
            l.reserved_ = true;
            ec.clear();
            return l;
        }
        take(l, ec);
        return l;
    }

    /// A connection for writing: in-process writers are serialised first (see the file
    /// comment), then a connection is taken. On a thread holding a reservation, the gate
    /// is only tried and the write runs on the reserved connection without busy waits.
    lease acquire_writer(std::error_code& ec) {
        lease l;
        if (auto* r = reserved()) {
            if (!writer_gate_.try_acquire_for(std::chrono::milliseconds{0})) {
                ec = store_errc::busy;
                return l;
            }
            set_busy_timeout(r->db(), std::chrono::milliseconds{0});
            l.pool_ = this;
            l.conn_ = r;
            l.reserved_ = true;
            l.writer_ = true;
            ec.clear();
            return l;
        }
        if (!writer_gate_.try_acquire_for(busy_timeout_)) {
            ec = store_errc::busy;
            return l;
        }
        take(l, ec);
        if (ec) writer_gate_.release();
        else l.writer_ = true;
        return l;
    }

    /// Takes an idle connection for the calling thread's next calls (see the class
    /// comment); false, without waiting, when none is idle or the thread holds as many
    /// reservations as it can (two pools at once).
    bool try_reserve_reader() noexcept {
        reader_slot* free_slot = nullptr;
        for (auto& s : reader_slots)
            if (!s.owner) free_slot = &s;
            else if (s.owner == this) return false;   // already held: nothing nests
        if (!free_slot) return false;
        std::lock_guard lock(mu_);
        if (idle_.empty()) return false;
        *free_slot = {this, idle_.back()};
        idle_.pop_back();
        return true;
    }

    /// Gives back the connection `try_reserve_reader` took for this thread.
    void release_reader() noexcept {
        for (auto& s : reader_slots) {
            if (s.owner != this) continue;
            connection* c = std::exchange(s.conn, nullptr);
            s.owner = nullptr;
            give_back(c);
            return;
        }
    }

    std::chrono::milliseconds busy_timeout() const noexcept { return busy_timeout_; }

private:
    friend class lease;

    connection* reserved() const noexcept {
        for (const auto& s : reader_slots)
            if (s.owner == this) return s.conn;
        return nullptr;
    }

    std::size_t size() {
        std::lock_guard lock(mu_);
        return all_.size();
    }

    void take(lease& l, std::error_code& ec) {
        std::unique_lock lock(mu_);
        if (!cv_.wait_for(lock, busy_timeout_, [&] { return !idle_.empty(); })) {
            ec = store_errc::busy;
            return;
        }
        l.conn_ = idle_.back();
        idle_.pop_back();
        l.pool_ = this;
        ec.clear();
    }

    void give_back(connection* c) noexcept {
        {
            std::lock_guard lock(mu_);
            idle_.push_back(c);   // never reallocates: reserved for every connection in add()
        }
        cv_.notify_one();
    }

    std::string path_;
    std::chrono::milliseconds busy_timeout_;
    std::span<const std::string_view> sql_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<connection>> all_;
    std::vector<connection*> idle_;
    gate writer_gate_;
};

inline lease::~lease() {
    if (!pool_) return;
    if (reserved_) {
        if (writer_) {
            set_busy_timeout(conn_->db(), pool_->busy_timeout_);
            pool_->writer_gate_.release();
        }
        return;
    }
    // The connection goes back before the writer gate opens, so the next writer finds
    // a connection free.
    if (conn_) pool_->give_back(conn_);
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
