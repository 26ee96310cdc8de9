/// @file
/// `warden::sqlite_store`: every store service (users, tokens, sessions, throttle
/// counters, JWT blacklist) in one SQLite 3 file, the embedded default for production.
#ifndef WARDEN_STORE_SQLITE_STORE_HPP
#define WARDEN_STORE_SQLITE_STORE_HPP

#include <warden/core/identity.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/detail/sqlite_state.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden {

/// Options of `sqlite_store`.
struct sqlite_options {
    /// How long an operation waits for a lock (another writer, another process, a free
    /// pooled connection) before failing with `store_errc::busy`.
    std::chrono::milliseconds busy_timeout{5000};
    /// Connections kept open. Readers run in parallel up to this many; writers take
    /// turns (SQLite admits one writer at a time).
    std::size_t pool_size = 4;
};

/// A store in a SQLite database file, providing all five store concepts (see
/// warden/store/concepts.hpp for each member's contract; the members below note only
/// what is particular to SQLite).
///
/// At construction the file is created with the current schema, or checked and
/// migrated to it (PRAGMA user_version); WAL mode is turned on, foreign keys on,
/// synchronous=NORMAL. Construction throws `std::system_error` with a `store_errc` and a
/// message naming the file when it cannot be used:
/// - `store_errc::schema`: the file was written by a newer warden (its schema version
///   is above `sqlite_store::schema_version`); it is left untouched.
/// - `store_errc::corrupt`: not a SQLite file, damaged, or another program's database.
/// - `store_errc::busy` / `store_errc::io`: locked past the busy timeout, unreadable.
///
/// Thread-safe. A pool of connections, each with its prepared statements cached, lets
/// readers run concurrently; writers in this process queue on a mutex, and
/// SQLITE_BUSY from other processes is retried by SQLite up to the busy timeout, then
/// reported as `store_errc::busy`. Read-modify-write operations (`throttle_hit`,
/// `purge_expired_jwt`) run in a BEGIN IMMEDIATE transaction; every other operation is
/// one statement, atomic by itself. Token keys are never stored: only their SHA-256
/// digests, as BLOBs. SQLite's own error messages are never surfaced.
///
/// Errors: members returning `std::error_code` report failures there. Members that
/// return a value (a lookup, a count, a bool) come in two forms: the concept's form
/// throws `std::system_error` (a `store_errc`) when the database fails, so a failure is
/// never mistaken for "not found" or "not blacklisted" (the app turns it into a 500);
/// the form with a trailing `std::error_code&` never throws for database failures and
/// returns an empty value with `ec` set.
///
/// Calls block the thread (`blocking = true`): the server runs routes that use this
/// store off its I/O threads.
///
/// @code
/// warden::sqlite_store db{"warden.db"};                       // created or migrated
/// warden::sqlite_store tuned{"warden.db", {.busy_timeout = std::chrono::seconds{2}, .pool_size = 8}};
/// warden::user u;
/// u.username = "alice";
/// if (auto ec = db.create_user(u)) return ec;                  // store_errc::duplicate if taken
/// std::error_code ec;
/// auto hit = db.find_token(warden::token::digest_key(presented), ec);
/// @endcode
class sqlite_store {
public:
    using provides = warden::provides<users_tag, tokens_tag, sessions_tag, throttle_counters_tag, jwt_blacklist_tag>;
    /// Calls wait on the database: the server runs routes using this store off its I/O threads.
    static constexpr bool blocking = true;
    /// The schema version this build creates and migrates to.
    static constexpr std::int64_t schema_version = detail::sqlite::latest_version;

    using options = sqlite_options;

    /// Opens (or creates) the database at `path`.
    ///
    /// @param path a file path (not ":memory:": each pooled connection would see its own
    ///        database; use `memory_store` instead).
    /// @param opts busy timeout and pool size.
    /// @throws std::system_error with a `store_errc` (see the class comment).
    explicit sqlite_store(std::string path, sqlite_options opts = {})
        : path_(std::move(path)),
          state_(std::make_unique<detail::sqlite::sqlite_state>(path_, opts.busy_timeout, opts.pool_size)) {}

    sqlite_store(sqlite_store&&) noexcept = default;
    sqlite_store& operator=(sqlite_store&&) noexcept = default;

    /// The database file.
    const std::string& path() const noexcept { return path_; }

    // users ------------------------------------------------------------------------

    /// The user with this id, or null.
    std::shared_ptr<const user> find_user(std::int64_t id) const {
        std::error_code ec;
        return checked(state_->find_user(id, ec), ec);
    }
    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) const { return state_->find_user(id, ec); }

    /// The user with exactly this username (case-sensitive), or null.
    std::shared_ptr<const user> find_user_by_username(std::string_view name) const {
        std::error_code ec;
        return checked(state_->find_user_by_username(name, ec), ec);
    }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) const {
        return state_->find_user_by_username(name, ec);
    }

    /// Adds `u` and sets `u.id` (never reused: AUTOINCREMENT). `store_errc::duplicate`
    /// when the username is taken.
    std::error_code create_user(user& u) { return state_->create_user(u); }
    /// Replaces every field of the user `u.id`. `store_errc::not_found` when there is no
    /// such user; `store_errc::duplicate` when `u.username` is another user's.
    std::error_code update_user(const user& u) { return state_->update_user(u); }

    /// Every user, ordered by id.
    std::vector<user> list_users() const {
        std::error_code ec;
        return checked(state_->list_users(ec), ec);
    }
    std::vector<user> list_users(std::error_code& ec) const { return state_->list_users(ec); }

    // tokens -----------------------------------------------------------------------

    /// Adds a token. `store_errc::duplicate` if the digest exists; `store_errc::not_found`
    /// if `t.user_id` is no user (foreign key).
    std::error_code add_token(const token_record& t) { return state_->add_token(t); }

    /// The token with digest `d` and its owner as stored now (one query, joined), or empty.
    std::optional<token_lookup> find_token(const token::key_digest& d) const {
        std::error_code ec;
        return checked(state_->find_token(d, ec), ec);
    }
    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec) const {
        return state_->find_token(d, ec);
    }

    /// Removes one token; false if there was none.
    bool remove_token(const token::key_digest& d) {
        std::error_code ec;
        return checked(state_->remove_token(d, ec), ec);
    }
    bool remove_token(const token::key_digest& d, std::error_code& ec) { return state_->remove_token(d, ec); }

    /// Removes every token of a user; returns how many.
    std::size_t remove_user_tokens(std::int64_t user_id) {
        std::error_code ec;
        return checked(state_->remove_user_tokens(user_id, ec), ec);
    }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return state_->remove_user_tokens(user_id, ec);
    }

    /// A user's tokens, oldest first (by `created`, then by insertion).
    std::vector<token_record> user_tokens(std::int64_t user_id) const {
        std::error_code ec;
        return checked(state_->user_tokens(user_id, ec), ec);
    }
    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec) const {
        return state_->user_tokens(user_id, ec);
    }

    /// Removes tokens with `expires_at != 0 && expires_at <= now`; returns how many.
    std::size_t purge_expired_tokens(std::int64_t now) {
        std::error_code ec;
        return checked(state_->purge_expired_tokens(now, ec), ec);
    }
    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        return state_->purge_expired_tokens(now, ec);
    }

    // sessions ---------------------------------------------------------------------

    /// Adds a session. `store_errc::duplicate` if the key exists.
    std::error_code create_session(const session_record& r) { return state_->create_session(r); }

    /// The session, or empty when absent or expired (`expires_at <= now`).
    std::optional<session_record> load_session(std::string_view key, std::int64_t now) const {
        std::error_code ec;
        return checked(state_->load_session(key, now, ec), ec);
    }
    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) const {
        return state_->load_session(key, now, ec);
    }

    /// Replaces the session with key `r.key`. `store_errc::not_found` if absent.
    std::error_code save_session(const session_record& r) { return state_->save_session(r); }

    /// Removes a session; false if there was none.
    bool delete_session(std::string_view key) {
        std::error_code ec;
        return checked(state_->delete_session(key, ec), ec);
    }
    bool delete_session(std::string_view key, std::error_code& ec) { return state_->delete_session(key, ec); }

    /// Removes every session of `user_id` except the one keyed `except_key` (none
    /// excepted when empty); returns how many were removed.
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key = {}) {
        std::error_code ec;
        return checked(state_->delete_user_sessions(user_id, except_key, ec), ec);
    }
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        return state_->delete_user_sessions(user_id, except_key, ec);
    }

    /// Removes sessions with `expires_at <= now`; returns how many.
    std::size_t purge_expired_sessions(std::int64_t now) {
        std::error_code ec;
        return checked(state_->purge_expired_sessions(now, ec), ec);
    }
    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return state_->purge_expired_sessions(now, ec);
    }

    // throttle ---------------------------------------------------------------------

    /// One hit on `key` at `now` for a throttle allowing `limit` hits per `window`
    /// seconds, as one BEGIN IMMEDIATE transaction (DRF's SimpleRateThrottle step:
    /// drop hits with `t <= now - window`, record `now` if fewer than `limit` remain).
    /// The `error_code` form returns a refusal (`allowed == false`) with `ec` set when
    /// the database fails: a throttle fails closed.
    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit) {
        std::error_code ec;
        return checked(state_->throttle_hit(key, now, window, limit, ec), ec);
    }
    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        return state_->throttle_hit(key, now, window, limit, ec);
    }

    /// Removes every key whose newest hit is at or before `now - max_window`; returns
    /// how many keys.
    std::size_t purge_throttle(double now, double max_window) {
        std::error_code ec;
        return checked(state_->purge_throttle(now, max_window, ec), ec);
    }
    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return state_->purge_throttle(now, max_window, ec);
    }

    // JWT blacklist ----------------------------------------------------------------

    /// Records an issued refresh/sliding token; adding a jti again changes nothing.
    std::error_code add_outstanding(const outstanding_token& t) { return state_->add_outstanding(t); }

    /// Blacklists `jti` until `expires_at`; true if newly blacklisted, false if it was.
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now) {
        std::error_code ec;
        return checked(state_->blacklist(jti, expires_at, now, ec), ec);
    }
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        return state_->blacklist(jti, expires_at, now, ec);
    }

    /// Whether `jti` is blacklisted (until purged). The `error_code` form returns false
    /// with `ec` set on failure: check `ec` before trusting a false.
    bool is_blacklisted(std::string_view jti) const {
        std::error_code ec;
        return checked(state_->is_blacklisted(jti, ec), ec);
    }
    bool is_blacklisted(std::string_view jti, std::error_code& ec) const { return state_->is_blacklisted(jti, ec); }

    /// Blacklists every outstanding token of the user (expired or not); returns how many
    /// were newly added. One statement.
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now) {
        std::error_code ec;
        return checked(state_->blacklist_user(user_id, now, ec), ec);
    }
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return state_->blacklist_user(user_id, now, ec);
    }

    /// Removes outstanding and blacklisted entries with `expires_at <= now`, in one
    /// transaction; returns how many. Pass `now - leeway`.
    std::size_t purge_expired_jwt(std::int64_t now) {
        std::error_code ec;
        return checked(state_->purge_expired_jwt(now, ec), ec);
    }
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) { return state_->purge_expired_jwt(now, ec); }

private:
    template <class T>
    static T checked(T&& v, const std::error_code& ec) {
        if (ec) throw std::system_error(ec, "warden::sqlite_store");
        return std::forward<T>(v);
    }

    std::string path_;
    std::unique_ptr<detail::sqlite::sqlite_state> state_;
};

static_assert(user_store<sqlite_store> && token_store<sqlite_store> && session_store<sqlite_store> &&
              throttle_store<sqlite_store> && jwt_blacklist_store<sqlite_store>);

} // namespace warden

#endif
