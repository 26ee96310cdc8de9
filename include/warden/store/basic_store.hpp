/// @file
/// `warden::basic_store<Backend>`: the one adaptor every store is built on. A backend
/// writes only the non-throwing operations of the services it provides (the
/// `*_backend` concepts of warden/store/concepts.hpp); the adaptor adds, in one place:
/// - the throwing form of each value-returning operation (for tools and tests);
/// - `provides`, derived from the backend concepts the backend models, and `blocking`;
/// - the checks that a backend implements whole services, with messages naming what
///   is missing;
/// - the purge of expired records on a schedule (tokens, sessions, the JWT lists,
///   throttle keys), for the services the backend does not expire by itself;
/// - one log line when the store becomes unavailable and one when it serves again,
///   however many requests fail in between;
/// - an optional cache of token lookups with a staleness bound (`cache_tokens`, off by
///   default).
#ifndef WARDEN_STORE_BASIC_STORE_HPP
#define WARDEN_STORE_BASIC_STORE_HPP

#include <warden/core/identity.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/detail/token_cache.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace warden {

/// Where a store writes its outage lines (one when it becomes unavailable, one when it
/// serves again). Called rarely, from whichever thread saw the change.
using store_log_fn = void (*)(std::string_view line) noexcept;

namespace detail {

// The default outage log: one line on stderr, with the time in UTC.
inline void stderr_store_log(std::string_view line) noexcept {
    char stamp[32] = "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    if (gmtime_r(&now, &tm)) std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::fprintf(stderr, "[%s] %.*s\n", stamp, static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

template <class P, bool Add, class Tag>
struct provide_if {
    using type = P;
};
template <class... Ts, class Tag>
struct provide_if<warden::provides<Ts...>, true, Tag> {
    using type = warden::provides<Ts..., Tag>;
};

// The services a backend provides: one tag per backend concept it models.
template <class B>
using backend_provides = typename provide_if<
    typename provide_if<
        typename provide_if<
            typename provide_if<typename provide_if<warden::provides<>, user_backend<B>, users_tag>::type,
                                token_backend<B> || keyed_token_backend<B>, tokens_tag>::type,
            session_backend<B>, sessions_tag>::type,
        throttle_backend<B>, throttle_counters_tag>::type,
    jwt_blacklist_backend<B>, jwt_blacklist_tag>::type;

template <class B>
constexpr bool models_any_service =
    user_backend<B> || token_backend<B> || keyed_token_backend<B> || session_backend<B> || throttle_backend<B> ||
    jwt_blacklist_backend<B>;

// One member of each service, to tell a backend that began a service from one that
// never meant to provide it.
template <class B>
concept begins_users = requires(B& b, std::int64_t id, std::error_code& ec) { b.find_user(id, ec); };
template <class B>
concept begins_tokens = requires(B& b, const token::key_digest& d, std::error_code& ec) { b.find_token(d, ec); };
template <class B>
concept begins_keyed_tokens = requires(B& b, std::string_view k, std::error_code& ec) { b.find_token_by_key(k, ec); };
template <class B>
concept begins_sessions = requires(B& b, std::string_view k, std::int64_t t, std::error_code& ec) { b.load_session(k, t, ec); };
template <class B>
concept begins_throttle = requires(B& b, std::string_view k, double t, std::size_t n, std::error_code& ec) {
    b.throttle_hit(k, t, t, n, ec);
};
template <class B>
concept begins_jwt = requires(B& b, std::string_view j, std::error_code& ec) { b.is_blacklisted(j, ec); };

template <class... Ts, class Tag>
constexpr bool lists_tag(warden::services<Ts...>*, Tag*) {
    return (std::is_same_v<Ts, Tag> || ...);
}

// Does the backend expire this service's records by itself (`using self_purging =
// warden::services<...>;`: TTLs, its own sweep)? Then the adaptor leaves them alone.
template <class B, class Tag>
constexpr bool purges_itself() {
    if constexpr (requires { typename B::self_purging; })
        return lists_tag(static_cast<typename B::self_purging*>(nullptr), static_cast<Tag*>(nullptr));
    else
        return false;
}

// What the adaptor keeps beside the backend: the sweep counters, the latest time the
// store has been given, and whether the store is serving. Behind one pointer with the
// backend, so a store moves as one pointer and backends need not be movable.
template <class B>
struct store_holder {
    template <class... Args>
    explicit store_holder(Args&&... args) : backend(std::forward<Args>(args)...) {}

    B backend;
    std::atomic<std::uint64_t> token_writes{0}, session_writes{0}, jwt_writes{0}, throttle_hits{0};
    std::atomic<std::int64_t> latest{0};
    std::atomic<bool> up{true};
    store_log_fn log = &stderr_store_log;
    // The token cache (off while 0): its bound, this store's id in it, and the epoch
    // every user or token write bumps.
    std::atomic<std::int64_t> token_cache_ns{0};
    const std::uint64_t id = token_cache::next_store_id();
    std::atomic<std::uint64_t> credentials_epoch{0};
};

} // namespace detail

/// A store made of a backend: the throwing forms, `provides`, the checks, the purge
/// schedule and the outage log come from here (see the file comment); `Backend` writes
/// the `std::error_code` operations of the services it provides.
///
/// A backend may declare:
/// - `static constexpr bool blocking = true;` when its calls wait on I/O (the server
///   then runs routes that use it off the I/O threads);
/// - `using self_purging = warden::services<tags...>;` for services whose expired
///   records it drops by itself (Redis TTLs, the memory store's throttle shards);
/// - `std::string name() const` naming it in the outage log (never a password);
/// - `bool try_reserve_reader() noexcept` and `void release_reader() noexcept` when a
///   thread can take one of its connections for a few reads without waiting (then
///   routes that only read it run on the I/O thread when one is idle).
///
/// Purge schedule: every `sweep_every`-th write of a service (add a token, create or
/// save a session, record or blacklist a JWT, a throttle hit) purges that service's
/// expired records, with the latest time any operation was given: expired tokens and
/// sessions, JWT entries `jwt_purge_grace` seconds past their expiry (a verifier's
/// leeway is far below that), throttle keys idle for a day (the longest window a DRF
/// rate has). A failed purge is retried by the next one.
///
/// Movable (the backend and the counters live behind one pointer), not copyable.
///
/// @code
/// struct my_backend {                       // a throttle counter service
///     static constexpr bool blocking = true;
///     warden::throttle_state throttle_hit(std::string_view key, double now, double window,
///                                         std::size_t limit, std::error_code& ec);
///     std::size_t purge_throttle(double now, double max_window, std::error_code& ec);
/// };
/// using my_store = warden::basic_store<my_backend>;   // provides throttle_counters_tag
/// my_store s;
/// std::error_code ec;
/// auto hit = s.throttle_hit("throttle_anon_10.0.0.1", now, 60, 3, ec);   // never throws for a store failure
/// auto same = s.throttle_hit("throttle_anon_10.0.0.1", now, 60, 3);      // throws std::system_error
/// @endcode
template <class Backend>
class basic_store {
    static_assert(!detail::begins_users<Backend> || user_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has find_user(id, ec) but not every member of "
                  "warden::user_backend (find_user, find_user_by_username, list_users with a trailing "
                  "std::error_code&; create_user, create_users, update_user returning std::error_code): "
                  "see warden/store/concepts.hpp");
    static_assert(!detail::begins_tokens<Backend> || token_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has find_token(digest, ec) but not every member of "
                  "warden::token_backend (add_token, add_token_capped, find_token, remove_token, "
                  "remove_user_tokens, user_tokens, purge_expired_tokens): see warden/store/concepts.hpp");
    static_assert(!detail::begins_keyed_tokens<Backend> || keyed_token_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has find_token_by_key(key, ec) but not every member of "
                  "warden::keyed_token_backend (find_token_by_key, user_token_key, remove_token_by_key, "
                  "remove_user_tokens): see warden/store/concepts.hpp");
    static_assert(!detail::begins_sessions<Backend> || session_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has load_session(key, now, ec) but not every member of "
                  "warden::session_backend (create_session, load_session, save_session, delete_session, "
                  "delete_user_sessions, purge_expired_sessions): see warden/store/concepts.hpp");
    static_assert(!detail::begins_throttle<Backend> || throttle_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has throttle_hit(key, now, window, limit, ec) but not "
                  "purge_throttle(now, max_window, ec) of warden::throttle_backend: see warden/store/concepts.hpp");
    static_assert(!detail::begins_jwt<Backend> || jwt_blacklist_backend<Backend>,
                  "warden::basic_store<Backend>: Backend has is_blacklisted(jti, ec) but not every member of "
                  "warden::jwt_blacklist_backend (add_outstanding, blacklist, is_blacklisted, blacklist_user, "
                  "purge_expired_jwt): see warden/store/concepts.hpp");
    static_assert(detail::models_any_service<Backend> || detail::begins_users<Backend> || detail::begins_tokens<Backend> ||
                      detail::begins_keyed_tokens<Backend> || detail::begins_sessions<Backend> ||
                      detail::begins_throttle<Backend> || detail::begins_jwt<Backend>,
                  "warden::basic_store<Backend>: Backend implements no store service; write the members of at least one "
                  "of warden::user_backend, token_backend (or keyed_token_backend), session_backend, throttle_backend, "
                  "jwt_blacklist_backend "
                  "(warden/store/concepts.hpp), value-returning ones with a trailing std::error_code& (the adaptor "
                  "adds the throwing forms)");

    using holder = detail::store_holder<Backend>;

public:
    using backend_type = Backend;
    /// The services `Backend` implements, one tag per backend concept it models.
    using provides = detail::backend_provides<Backend>;
    /// Whether calls wait on I/O (from `Backend::blocking`; false when it declares none).
    static constexpr bool blocking = [] {
        if constexpr (requires { { Backend::blocking } -> std::convertible_to<bool>; }) return bool(Backend::blocking);
        else return false;
    }();
    /// A service's expired records are purged on every this many of its writes.
    static constexpr std::uint64_t sweep_every = 1024;
    /// JWT entries are purged this many seconds after their token expired.
    static constexpr std::int64_t jwt_purge_grace = 3600;
    /// Throttle keys are purged once idle this long: a day, DRF's longest rate window.
    static constexpr double throttle_idle = 86400.0;

    /// A store over a default-constructed backend.
    basic_store()
        requires std::default_initializable<Backend>
        : h_(std::make_unique<holder>()) {}

    /// A store over `Backend(args...)`.
    template <class... Args>
        requires(sizeof...(Args) > 0 && std::constructible_from<Backend, Args...>)
    explicit basic_store(Args&&... args) : h_(std::make_unique<holder>(std::forward<Args>(args)...)) {}

    basic_store(basic_store&&) noexcept = default;
    basic_store& operator=(basic_store&&) noexcept = default;

    /// The backend, for what is particular to it.
    Backend& backend() noexcept { return h_->backend; }
    const Backend& backend() const noexcept { return h_->backend; }

    /// Where outage lines go (default: stderr with a UTC time).
    void set_log(store_log_fn log) noexcept { h_->log = log ? log : &detail::stderr_store_log; }
    /// Reserves an idle connection for the calling thread's reads, without waiting
    /// (backends that offer it: the SQLite stores). The server uses it to run a route that
    /// only reads (`work_kind::store_read`) on the I/O thread; see the backend for what
    /// its writes do meanwhile.
    bool try_reserve_reader() noexcept
        requires requires(Backend& be) { { be.try_reserve_reader() } noexcept -> std::same_as<bool>; }
    {
        return b().try_reserve_reader();
    }
    /// Gives back the connection `try_reserve_reader` took.
    void release_reader() noexcept
        requires requires(Backend& be) { { be.release_reader() } noexcept; }
    {
        b().release_reader();
    }

    /// Caches successful token lookups (`find_token`: the token and its user) for at most
    /// `max_staleness`, in a map per thread; zero (the default) turns it off.
    ///
    /// Writes through this store object (revoking tokens, deactivating a user, a new
    /// password) take effect at once. Writes it cannot see (another process such as
    /// `warden token revoke`, another instance, the Django site) take effect within
    /// `max_staleness`: until then a revoked token or a deactivated user keeps being
    /// accepted by this process. Expiry dates are checked on every use, unknown keys are
    /// never cached. Stores of DRF's keyed table (the Django mode) do not cache.
    /// See docs/stores.md ("Caching token lookups") for when to use it.
    void cache_tokens(std::chrono::milliseconds max_staleness) noexcept
        requires token_backend<Backend>
    {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(max_staleness).count();
        h_->token_cache_ns.store(ns > 0 ? ns : 0, std::memory_order_relaxed);
    }
    /// The bound `cache_tokens` set (zero: no cache).
    std::chrono::milliseconds token_cache_staleness() const noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::nanoseconds(h_->token_cache_ns.load(std::memory_order_relaxed)));
    }

    /// False from a failure meaning the store cannot serve (`store_condition::unavailable`)
    /// until the next operation that succeeds.
    bool available() const noexcept { return h_->up.load(std::memory_order_relaxed); }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec)
        requires user_backend<Backend>
    {
        return watched(b().find_user(id, ec), ec);
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec)
        requires user_backend<Backend>
    {
        return watched(b().find_user_by_username(name, ec), ec);
    }
    std::error_code create_user(user& u)
        requires user_backend<Backend>
    {
        return credentials_written(watched(b().create_user(u)));
    }
    std::error_code create_users(std::span<user> us)
        requires user_backend<Backend>
    {
        return credentials_written(watched(b().create_users(us)));
    }
    std::error_code update_user(const user& u)
        requires user_backend<Backend>
    {
        return credentials_written(watched(b().update_user(u)));
    }
    std::vector<user> list_users(std::error_code& ec)
        requires user_backend<Backend>
    {
        return watched(b().list_users(ec), ec);
    }
    std::error_code set_user_password(std::int64_t id, std::string_view encoded)
        requires user_field_backend<Backend>
    {
        return credentials_written(watched(b().set_user_password(id, encoded)));
    }
    std::error_code set_last_login(std::int64_t id, std::int64_t when)
        requires user_field_backend<Backend>
    {
        seen(when);
        return credentials_written(watched(b().set_last_login(id, when)));
    }

    // tokens -----------------------------------------------------------------------

    std::error_code add_token(const token_record& t)
        requires token_backend<Backend>
    {
        seen(t.created);
        return credentials_written(after_write<tokens_tag>(watched(b().add_token(t))));
    }
    std::error_code add_token_capped(const token_record& t, std::size_t keep)
        requires token_backend<Backend>
    {
        seen(t.created);
        return credentials_written(after_write<tokens_tag>(watched(b().add_token_capped(t, keep))));
    }
    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec)
        requires token_backend<Backend>
    {
        const std::int64_t bound = h_->token_cache_ns.load(std::memory_order_relaxed);
        if (bound == 0) return watched(b().find_token(d, ec), ec);
        // The epoch is read before the lookup: a write that lands after it, even one
        // the lookup did not see, makes the entry unusable (detail/token_cache.hpp).
        const auto now = detail::token_cache::clock::now();
        const std::uint64_t epoch = h_->credentials_epoch.load(std::memory_order_acquire);
        if (auto hit = detail::token_cache::find(h_->id, d, epoch, now, std::chrono::nanoseconds(bound))) {
            ec.clear();
            return hit;
        }
        auto found = watched(b().find_token(d, ec), ec);
        if (!ec && found) detail::token_cache::put(h_->id, d, epoch, now, *found);
        return found;
    }
    bool remove_token(const token::key_digest& d, std::error_code& ec)
        requires token_backend<Backend>
    {
        return credentials_written(watched(b().remove_token(d, ec), ec));
    }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec)
        requires(token_backend<Backend> || keyed_token_backend<Backend>)
    {
        return credentials_written(watched(b().remove_user_tokens(user_id, ec), ec));
    }
    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec)
        requires token_backend<Backend>
    {
        return watched(b().user_tokens(user_id, ec), ec);
    }
    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec)
        requires token_backend<Backend>
    {
        return credentials_written(watched(b().purge_expired_tokens(now, ec), ec));
    }

    std::optional<token_lookup> find_token_by_key(std::string_view key, std::error_code& ec)
        requires keyed_token_backend<Backend>
    {
        return watched(b().find_token_by_key(key, ec), ec);
    }
    std::string user_token_key(std::int64_t user_id, std::int64_t now, std::error_code& ec)
        requires keyed_token_backend<Backend>
    {
        seen(now);
        return credentials_written(watched(b().user_token_key(user_id, now, ec), ec));
    }
    bool remove_token_by_key(std::string_view key, std::error_code& ec)
        requires keyed_token_backend<Backend>
    {
        return credentials_written(watched(b().remove_token_by_key(key, ec), ec));
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r)
        requires session_backend<Backend>
    {
        return after_write<sessions_tag>(watched(b().create_session(r)));
    }
    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec)
        requires session_backend<Backend>
    {
        seen(now);
        return watched(b().load_session(key, now, ec), ec);
    }
    std::error_code save_session(const session_record& r)
        requires session_backend<Backend>
    {
        return after_write<sessions_tag>(watched(b().save_session(r)));
    }
    bool delete_session(std::string_view key, std::error_code& ec)
        requires session_backend<Backend>
    {
        return watched(b().delete_session(key, ec), ec);
    }
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec)
        requires session_backend<Backend>
    {
        return watched(b().delete_user_sessions(user_id, except_key, ec), ec);
    }
    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec)
        requires session_backend<Backend>
    {
        return watched(b().purge_expired_sessions(now, ec), ec);
    }

    // throttle ---------------------------------------------------------------------

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec)
        requires throttle_backend<Backend>
    {
        if (std::isfinite(now)) seen(static_cast<std::int64_t>(std::floor(now)));
        auto s = watched(b().throttle_hit(key, now, window, limit, ec), ec);
        if (!ec) after_write<throttle_counters_tag>(ec);
        return s;
    }
    std::size_t purge_throttle(double now, double max_window, std::error_code& ec)
        requires throttle_backend<Backend>
    {
        return watched(b().purge_throttle(now, max_window, ec), ec);
    }

    // JWT blacklist ----------------------------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t)
        requires jwt_blacklist_backend<Backend>
    {
        seen(t.created_at);
        return after_write<jwt_blacklist_tag>(watched(b().add_outstanding(t)));
    }
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec)
        requires jwt_blacklist_backend<Backend>
    {
        seen(now);
        bool fresh = watched(b().blacklist(jti, expires_at, now, ec), ec);
        after_write<jwt_blacklist_tag>(ec);
        return fresh;
    }
    bool is_blacklisted(std::string_view jti, std::error_code& ec)
        requires jwt_blacklist_backend<Backend>
    {
        return watched(b().is_blacklisted(jti, ec), ec);
    }
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec)
        requires jwt_blacklist_backend<Backend>
    {
        seen(now);
        return watched(b().blacklist_user(user_id, now, ec), ec);
    }
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec)
        requires jwt_blacklist_backend<Backend>
    {
        return watched(b().purge_expired_jwt(now, ec), ec);
    }

    // the throwing forms (std::system_error with the store's code) ------------------

    std::shared_ptr<const user> find_user(std::int64_t id)
        requires user_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return find_user(id, ec); });
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name)
        requires user_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return find_user_by_username(name, ec); });
    }
    std::vector<user> list_users()
        requires user_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return list_users(ec); });
    }
    std::optional<token_lookup> find_token(const token::key_digest& d)
        requires token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return find_token(d, ec); });
    }
    bool remove_token(const token::key_digest& d)
        requires token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return remove_token(d, ec); });
    }
    std::size_t remove_user_tokens(std::int64_t user_id)
        requires(token_backend<Backend> || keyed_token_backend<Backend>)
    {
        return or_throw([&](std::error_code& ec) { return remove_user_tokens(user_id, ec); });
    }
    std::vector<token_record> user_tokens(std::int64_t user_id)
        requires token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return user_tokens(user_id, ec); });
    }
    std::size_t purge_expired_tokens(std::int64_t now)
        requires token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return purge_expired_tokens(now, ec); });
    }
    std::optional<token_lookup> find_token_by_key(std::string_view key)
        requires keyed_token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return find_token_by_key(key, ec); });
    }
    std::string user_token_key(std::int64_t user_id, std::int64_t now)
        requires keyed_token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return user_token_key(user_id, now, ec); });
    }
    bool remove_token_by_key(std::string_view key)
        requires keyed_token_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return remove_token_by_key(key, ec); });
    }
    std::optional<session_record> load_session(std::string_view key, std::int64_t now)
        requires session_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return load_session(key, now, ec); });
    }
    bool delete_session(std::string_view key)
        requires session_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return delete_session(key, ec); });
    }
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key = {})
        requires session_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return delete_user_sessions(user_id, except_key, ec); });
    }
    std::size_t purge_expired_sessions(std::int64_t now)
        requires session_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return purge_expired_sessions(now, ec); });
    }
    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit)
        requires throttle_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return throttle_hit(key, now, window, limit, ec); });
    }
    std::size_t purge_throttle(double now, double max_window)
        requires throttle_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return purge_throttle(now, max_window, ec); });
    }
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now)
        requires jwt_blacklist_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return blacklist(jti, expires_at, now, ec); });
    }
    bool is_blacklisted(std::string_view jti)
        requires jwt_blacklist_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return is_blacklisted(jti, ec); });
    }
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now)
        requires jwt_blacklist_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return blacklist_user(user_id, now, ec); });
    }
    std::size_t purge_expired_jwt(std::int64_t now)
        requires jwt_blacklist_backend<Backend>
    {
        return or_throw([&](std::error_code& ec) { return purge_expired_jwt(now, ec); });
    }

private:
    Backend& b() noexcept { return h_->backend; }

    template <class F>
    static auto or_throw(F&& f) {
        std::error_code ec;
        auto v = f(ec);
        if (ec) throw std::system_error(ec, "warden store");
        return v;
    }

    // The latest time the store has been given (a relaxed load first: the line stays
    // shared between cores while the time does not move).
    void seen(std::int64_t now) noexcept {
        if (h_->latest.load(std::memory_order_relaxed) < now) h_->latest.store(now, std::memory_order_relaxed);
    }

    template <class T>
    T watched(T&& v, const std::error_code& ec) noexcept(std::is_nothrow_move_constructible_v<T>) {
        watch(ec);
        return std::forward<T>(v);
    }
    std::error_code watched(std::error_code ec) noexcept {
        watch(ec);
        return ec;
    }

    // One log line per change between serving and not serving.
    void watch(const std::error_code& ec) noexcept {
        if (ec) {
            if (ec == store_condition::unavailable && h_->up.exchange(false)) report(false, ec);
        } else if (!h_->up.load(std::memory_order_relaxed) && !h_->up.exchange(true)) {
            report(true, ec);
        }
    }

    void report(bool back, const std::error_code& ec) noexcept {
        try {
            std::string line = "warden: store ";
            if constexpr (requires(const Backend& b) { { b.name() } -> std::convertible_to<std::string>; })
                line.append(h_->backend.name());
            line.append(back ? " is serving again" : " is unavailable (");
            if (!back) line.append(ec.message()).append("): requests that need it get 503 until it is back");
            h_->log(line);
        } catch (...) {
            h_->log("warden: a store changed availability");
        }
    }

    // After a write of users or tokens (whether it succeeded or not): cached token
    // lookups fetched before it are not used again.
    template <class R>
    R credentials_written(R r) {
        h_->credentials_epoch.fetch_add(1, std::memory_order_release);
        return r;
    }

    // After a write of service Tag: every `sweep_every`-th purges its expired records.
    template <class Tag>
    std::error_code after_write(std::error_code ec) {
        if constexpr (!detail::purges_itself<Backend, Tag>()) {
            if (ec || ((*h_).*counter<Tag>()).fetch_add(1, std::memory_order_relaxed) % sweep_every != sweep_every - 1)
                return ec;
            const std::int64_t now = h_->latest.load(std::memory_order_relaxed);
            if (now <= 0) return ec;
            std::error_code ignored;   // retried by the next sweep
            if constexpr (std::is_same_v<Tag, tokens_tag>) (void)b().purge_expired_tokens(now, ignored);
            else if constexpr (std::is_same_v<Tag, sessions_tag>) (void)b().purge_expired_sessions(now, ignored);
            else if constexpr (std::is_same_v<Tag, jwt_blacklist_tag>) (void)b().purge_expired_jwt(now - jwt_purge_grace, ignored);
            else (void)b().purge_throttle(static_cast<double>(now), throttle_idle, ignored);
        }
        return ec;
    }

    template <class Tag>
    static constexpr auto counter() {
        if constexpr (std::is_same_v<Tag, tokens_tag>) return &holder::token_writes;
        else if constexpr (std::is_same_v<Tag, sessions_tag>) return &holder::session_writes;
        else if constexpr (std::is_same_v<Tag, jwt_blacklist_tag>) return &holder::jwt_writes;
        else return &holder::throttle_hits;
    }

    std::unique_ptr<holder> h_;
};

} // namespace warden

#endif
