/// @file
/// `warden::redis_store`: throttle counters in Redis, through hiredis (Debian's
/// libhiredis-dev 0.14), shared by every server process that uses the same Redis.
#ifndef WARDEN_STORE_REDIS_STORE_HPP
#define WARDEN_STORE_REDIS_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/detail/redis_backend.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

/// Options of `redis_store`.
struct redis_options {
    /// The hard limit of one operation: the wait for a pooled connection, connecting,
    /// and the command. A Redis that is down or does not answer costs a request at most
    /// this, then `store_errc::unavailable`/`timeout` (503).
    std::chrono::milliseconds timeout{5000};
    /// Connections kept open at most (opened on demand).
    std::size_t pool_size = 8;
    /// Every key starts with this (several apps can share one Redis database).
    std::string prefix = "warden:";
};

/// Throttle counters in Redis (the throttle counter service only: see docs/deployment.md
/// for why sessions and the JWT blacklist stay in PostgreSQL). Pair it with a store for
/// the other services: `warden::app<...>(pg, redis, settings)` takes each service from
/// the first store that provides it, so list the Redis store where its throttle
/// counters should win.
///
/// Each hit is one Lua script over a sorted set of hit times (EVALSHA, EVAL when the
/// server has lost its script cache): DRF's SimpleRateThrottle step, atomic across
/// every process and machine, returning what DRF's `wait()` needs. Times travel as
/// shortest round-trip text, so the window arithmetic matches the other backends to the
/// last bit. Keys are `prefix + "throttle_<scope>_<ident>"` and expire by themselves
/// (PEXPIRE of their window after each recorded hit), so nothing needs purging;
/// `purge_throttle` still works (SCAN over the prefix).
///
/// Synchronous hiredis calls with socket timeouts set from one deadline per operation,
/// on a small pool of connections; a broken connection is dropped and replaced, and
/// while Redis cannot be reached one request at a time probes it and the others fail
/// at once (`unavailable`: 503 from warden's throttles, which fail closed). Calls block
/// the thread (`blocking = true`).
///
/// @code
/// warden::postgres_store db{"postgresql://warden@db:5432/warden"};
/// warden::redis_store counters{"redis://127.0.0.1:6379/0", {.prefix = "myapp:"}};
/// auto site = warden::app<...>(counters, db, warden::settings::from_env());   // counters first
/// @endcode
class redis_store : public basic_store<detail::redis::backend> {
public:
    using options = redis_options;

    /// Connects to `url` (`redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`) and loads the
    /// scripts.
    /// @throws std::invalid_argument for a malformed URL; std::system_error with a
    ///         `store_errc` and a message naming the server when it cannot be reached.
    explicit redis_store(std::string url, redis_options opts = {})
        : basic_store(detail::redis::backend_config{std::move(url), opts.timeout, opts.pool_size, std::move(opts.prefix)}) {}

    /// The server, for messages: `redis://HOST:PORT/DB`, never a password.
    std::string where() const { return backend().name(); }

    /// True when `url` names a Redis server (`redis://`).
    static bool is_url(std::string_view url) noexcept { return url.starts_with("redis://"); }
};

} // namespace warden

#endif
