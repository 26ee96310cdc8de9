// A bounded pool of connections to a network server (PostgreSQL, Redis), shared by
// their backends: connections opened on demand up to a size, handed out one per
// operation, with a deadline on the wait for a free one and on opening a new one.
//
// Recovery without a restart: a connection that broke is dropped, not returned; an
// idle connection the server closed meanwhile (a restart) is found dead before it is
// handed out (the Factory checks its socket), so the first request after a restart
// gets a fresh connection instead of an error.
//
// Outages: the pool goes *down* when opening a connection fails, or when a connection
// passed its deadline mid-answer (the server, or the network to it, stopped answering:
// the other connections would wait too). Then idle connections are dropped,
// connections handed out before are closed when given back, and one caller at a time
// probes the server by connecting, while the others fail at once with `unavailable`
// rather than each waiting out the deadline on a server that does not answer. A
// successful probe brings the pool back up. A connection that broke any other way (an
// administrator's pg_terminate_backend, a reset) is replaced alone, and the others stay
// in use: when the server itself is gone, its idle connections are found dead and the
// replacement's connect fails, which takes the pool down then.
//
// Factory: `std::unique_ptr<Conn> open(deadline, std::error_code&)` and
// `bool dead(Conn&) noexcept` (called on an idle connection about to be reused).
#ifndef WARDEN_STORE_DETAIL_NET_POOL_HPP
#define WARDEN_STORE_DETAIL_NET_POOL_HPP

#include <warden/store/error.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail {

template <class Conn, class Factory>
class net_pool {
public:
    using deadline = std::chrono::steady_clock::time_point;

    /// A connection held for one operation; given back on destruction unless dropped.
    class lease {
    public:
        lease() = default;
        lease(lease&& o) noexcept
            : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)), generation_(o.generation_) {}
        lease& operator=(lease&&) = delete;
        ~lease() {
            if (pool_) pool_->give_back(std::move(conn_), generation_);
        }
        explicit operator bool() const noexcept { return conn_ != nullptr; }
        Conn& operator*() const noexcept { return *conn_; }
        Conn* operator->() const noexcept { return conn_.get(); }
        /// The connection broke, or is in an unknown state: close it instead of giving
        /// it back. `why` is the failure; `store_errc::timeout` (no answer by the
        /// deadline) takes the pool down, anything else drops this connection alone.
        void drop(std::error_code why = {}) noexcept {
            if (!pool_) return;
            conn_.reset();
            pool_->dropped(why == store_errc::timeout);
            pool_ = nullptr;
        }

    private:
        friend class net_pool;
        lease(net_pool* p, std::unique_ptr<Conn> c, std::uint64_t generation) noexcept
            : pool_(p), conn_(std::move(c)), generation_(generation) {}
        net_pool* pool_ = nullptr;
        std::unique_ptr<Conn> conn_;
        std::uint64_t generation_ = 0;
    };

    net_pool(Factory factory, std::size_t size) : factory_(std::move(factory)), size_(size ? size : 1) {}
    net_pool(const net_pool&) = delete;
    net_pool& operator=(const net_pool&) = delete;

    /// Adds an open connection (the one the backend opened at start).
    void add(std::unique_ptr<Conn> c) {
        std::lock_guard lock(mu_);
        ++open_;
        idle_.push_back(std::move(c));
    }

    /// A connection by `until`, or an empty lease with `ec`: `busy` when none came free
    /// in time, `unavailable`/`timeout` when the server cannot be reached.
    lease acquire(deadline until, std::error_code& ec) {
        std::unique_lock lock(mu_);
        for (;;) {
            if (down_) {
                if (probing_) {
                    ec = store_errc::unavailable;
                    return {};
                }
                probing_ = true;
                return open_new(lock, until, ec);
            }
            while (!idle_.empty()) {
                auto c = std::move(idle_.back());
                idle_.pop_back();
                if (!factory_.dead(*c)) {
                    ec.clear();
                    return lease(this, std::move(c), generation_);
                }
                --open_;   // closed by the server while idle: drop it, try the next
            }
            if (open_ < size_) return open_new(lock, until, ec);
            if (cv_.wait_until(lock, until) == std::cv_status::timeout && idle_.empty() && open_ >= size_ && !down_) {
                ec = store_errc::busy;
                return {};
            }
        }
    }

    /// Connections open now (idle and handed out).
    std::size_t open_count() {
        std::lock_guard lock(mu_);
        return open_;
    }

private:
    // Opens one more connection outside the lock; `lock` is held on entry and on return.
    lease open_new(std::unique_lock<std::mutex>& lock, deadline until, std::error_code& ec) {
        ++open_;
        lock.unlock();
        std::unique_ptr<Conn> c;
        try {
            c = factory_.open(until, ec);
        } catch (...) {
            lock.lock();
            --open_;
            probing_ = false;
            cv_.notify_one();
            throw;
        }
        lock.lock();
        probing_ = false;
        if (!c) {
            --open_;
            go_down();
            cv_.notify_all();
            return {};
        }
        down_ = false;
        return lease(this, std::move(c), generation_);
    }

    void give_back(std::unique_ptr<Conn> c, std::uint64_t generation) noexcept {
        {
            std::lock_guard lock(mu_);
            if (generation == generation_) {
                try {
                    idle_.push_back(std::move(c));
                } catch (...) {
                    --open_;
                }
            } else {
                --open_;   // handed out before an outage: not trusted again
            }
        }
        c.reset();   // closed outside the lock when it was not kept
        cv_.notify_one();
    }

    void dropped(bool unresponsive) noexcept {
        std::vector<std::unique_ptr<Conn>> closing;
        {
            std::lock_guard lock(mu_);
            --open_;
            if (unresponsive) {
                go_down();
                ++generation_;
                closing.swap(idle_);
                open_ -= closing.size();
            }
        }
        cv_.notify_all();   // waiters retry: to probe, or to open a connection in the freed place
    }

    void go_down() noexcept { down_ = true; }

    Factory factory_;
    const std::size_t size_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Conn>> idle_;
    std::size_t open_ = 0;
    std::uint64_t generation_ = 0;
    bool down_ = false;
    bool probing_ = false;
};

} // namespace warden::detail

#endif
