/// @file
/// `warden::memory_store`: every store service (users, tokens, sessions, throttle
/// counters, JWT blacklist) in process memory. For tests, development and single-process
/// deployments that can lose their state on restart.
#ifndef WARDEN_STORE_MEMORY_STORE_HPP
#define WARDEN_STORE_MEMORY_STORE_HPP

#include <warden/core/identity.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/detail/memory_state.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden {

/// A store kept in memory, providing all five store concepts (see
/// warden/store/concepts.hpp for each member's contract).
///
/// Thread-safe; lookups (users, tokens, sessions, blacklist) take shared locks on
/// sharded tables, so concurrent requests do not serialise. A successful `find_token`
/// allocates nothing: it copies the token record and the user's `shared_ptr`. Users are
/// immutable snapshots: `update_user` replaces the pointer, so a request that holds a
/// user keeps a consistent copy.
///
/// Throttle memory stays bounded: a key holds at most `limit` hits, keys whose hits
/// have all left their window are dropped (by `purge_throttle`, and by an amortised
/// sweep inside `throttle_hit`), and a refused hit never creates a key.
///
/// Operations never fail except by running out of memory (`std::bad_alloc`). The
/// overloads taking a `std::error_code&` exist so generic code can use the same calls
/// on every backend; here they always clear it.
///
/// Movable, not copyable. Passing an lvalue to `warden::app` shares it; an rvalue is
/// moved into the app.
///
/// @code
/// warden::memory_store store;
/// warden::user u;
/// u.username = "alice";
/// if (auto ec = store.create_user(u)) return ec;   // u.id is now 1
/// auto key = warden::token::generate_key();
/// store.add_token({.digest = warden::token::digest_key(key), .user_id = u.id, .created = now});
/// auto hit = store.find_token(warden::token::digest_key(key));   // hit->owner->username == "alice"
/// @endcode
class memory_store {
public:
    using provides = warden::provides<users_tag, tokens_tag, sessions_tag, throttle_counters_tag, jwt_blacklist_tag>;
    /// Calls never block on I/O; routes using this store run on the I/O threads.
    static constexpr bool blocking = false;

    /// An empty store.
    memory_store() : state_(std::make_unique<detail::memory_state>()) {}

    memory_store(memory_store&&) noexcept = default;
    memory_store& operator=(memory_store&&) noexcept = default;

    // users ------------------------------------------------------------------------

    /// The user with this id, or null.
    std::shared_ptr<const user> find_user(std::int64_t id) const { return state_->find_user(id); }
    /// The user with exactly this username (case-sensitive), or null.
    std::shared_ptr<const user> find_user_by_username(std::string_view name) const {
        return state_->find_user_by_username(name);
    }
    /// Adds `u` and sets `u.id` (1, 2, ...; never reused). `store_errc::duplicate` when
    /// the username is taken.
    std::error_code create_user(user& u) { return state_->create_user(u); }
    /// Replaces every field of the user `u.id`. `store_errc::not_found` when there is no
    /// such user; `store_errc::duplicate` when `u.username` is another user's.
    std::error_code update_user(const user& u) { return state_->update_user(u); }
    /// Every user, ordered by id.
    std::vector<user> list_users() const { return state_->list_users(); }

    // tokens -----------------------------------------------------------------------

    /// Adds a token. `store_errc::duplicate` if the digest exists; `store_errc::not_found`
    /// if `t.user_id` is no user (a token always has an owner, as DRF's foreign key).
    std::error_code add_token(const token_record& t) { return state_->add_token(t); }
    /// The token with digest `d` and its owner as stored now, or empty. The caller checks
    /// `owner->is_active`, expiry, and confirms with `token::key_matches`.
    std::optional<token_lookup> find_token(const token::key_digest& d) const { return state_->find_token(d); }
    /// Removes one token; false if there was none.
    bool remove_token(const token::key_digest& d) { return state_->remove_token(d); }
    /// Removes every token of a user; returns how many.
    std::size_t remove_user_tokens(std::int64_t user_id) { return state_->remove_user_tokens(user_id); }
    /// A user's tokens, oldest first (by `created`, then by insertion).
    std::vector<token_record> user_tokens(std::int64_t user_id) const { return state_->user_tokens(user_id); }
    /// Removes tokens with `expires_at != 0 && expires_at <= now`; returns how many.
    std::size_t purge_expired_tokens(std::int64_t now) { return state_->purge_expired_tokens(now); }

    // sessions ---------------------------------------------------------------------

    /// Adds a session. `store_errc::duplicate` if the key exists.
    std::error_code create_session(const session_record& r) { return state_->create_session(r); }
    /// The session, or empty when absent or expired (`expires_at <= now`).
    std::optional<session_record> load_session(std::string_view key, std::int64_t now) const {
        return state_->load_session(key, now);
    }
    /// Replaces the session with key `r.key`. `store_errc::not_found` if absent.
    std::error_code save_session(const session_record& r) { return state_->save_session(r); }
    /// Removes a session; false if there was none.
    bool delete_session(std::string_view key) { return state_->delete_session(key); }
    /// Removes every session of `user_id` except the one keyed `except_key` (none
    /// excepted when empty); returns how many were removed.
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key = {}) {
        return state_->delete_user_sessions(user_id, except_key);
    }
    /// Removes sessions with `expires_at <= now`; returns how many.
    std::size_t purge_expired_sessions(std::int64_t now) { return state_->purge_expired_sessions(now); }

    // throttle ---------------------------------------------------------------------

    /// One hit on `key` at `now` for a throttle allowing `limit` hits per `window`
    /// seconds, as one atomic step of DRF's SimpleRateThrottle: drops hits with
    /// `t <= now - window`, then records `now` if fewer than `limit` remain.
    /// Non-finite times or a negative window refuse the hit without recording it.
    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit) {
        return state_->throttle_hit(key, now, window, limit);
    }
    /// Removes every key whose newest hit is at or before `now - max_window`; returns
    /// how many keys.
    std::size_t purge_throttle(double now, double max_window) { return state_->purge_throttle(now, max_window); }
    /// How many throttle keys are held now (for monitoring memory).
    std::size_t throttle_key_count() const { return state_->throttle_keys(); }

    // JWT blacklist ----------------------------------------------------------------

    /// Records an issued refresh/sliding token; adding a jti again changes nothing.
    std::error_code add_outstanding(const outstanding_token& t) { return state_->add_outstanding(t); }
    /// Blacklists `jti` until `expires_at`; true if newly blacklisted, false if it was.
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now) {
        return state_->blacklist(jti, expires_at, now);
    }
    /// Whether `jti` is blacklisted (until purged).
    bool is_blacklisted(std::string_view jti) const { return state_->is_blacklisted(jti); }
    /// Blacklists every outstanding token of the user (expired or not: a verifier's
    /// leeway may still accept a just-expired token); returns how many were newly added.
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now) { return state_->blacklist_user(user_id, now); }
    /// Removes outstanding and blacklisted entries with `expires_at <= now`; returns how
    /// many. Pass `now - leeway` so a token a verifier still accepts stays blacklisted.
    std::size_t purge_expired_jwt(std::int64_t now) { return state_->purge_expired_jwt(now); }

    // error_code forms (never fail here; see the class comment) ----------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) const { return ec.clear(), find_user(id); }
    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) const {
        return ec.clear(), find_user_by_username(name);
    }
    std::vector<user> list_users(std::error_code& ec) const { return ec.clear(), list_users(); }
    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec) const {
        return ec.clear(), find_token(d);
    }
    bool remove_token(const token::key_digest& d, std::error_code& ec) { return ec.clear(), remove_token(d); }
    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        return ec.clear(), remove_user_tokens(user_id);
    }
    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec) const {
        return ec.clear(), user_tokens(user_id);
    }
    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        return ec.clear(), purge_expired_tokens(now);
    }
    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) const {
        return ec.clear(), load_session(key, now);
    }
    bool delete_session(std::string_view key, std::error_code& ec) { return ec.clear(), delete_session(key); }
    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        return ec.clear(), delete_user_sessions(user_id, except_key);
    }
    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return ec.clear(), purge_expired_sessions(now);
    }
    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        return ec.clear(), throttle_hit(key, now, window, limit);
    }
    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return ec.clear(), purge_throttle(now, max_window);
    }
    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        return ec.clear(), blacklist(jti, expires_at, now);
    }
    bool is_blacklisted(std::string_view jti, std::error_code& ec) const { return ec.clear(), is_blacklisted(jti); }
    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        return ec.clear(), blacklist_user(user_id, now);
    }
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) { return ec.clear(), purge_expired_jwt(now); }

private:
    std::unique_ptr<detail::memory_state> state_;
};

static_assert(user_store<memory_store> && token_store<memory_store> && session_store<memory_store> &&
              throttle_store<memory_store> && jwt_blacklist_store<memory_store>);

} // namespace warden

#endif
