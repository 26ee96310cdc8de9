/// @file
/// Store concepts. A store provides some of five services (users, tokens, sessions,
/// throttle counters, the JWT blacklist), each a concept below; it says which with
/// `using provides = warden::provides<...>;`.
///
/// A store is written as a *backend* wrapped in `warden::basic_store<Backend>`
/// (warden/store/basic_store.hpp). The backend writes only the non-throwing operations
/// of the services it provides: members returning `std::error_code` as listed, and
/// members returning a value with a trailing `std::error_code&` (the `*_backend`
/// concepts below). The adaptor adds the throwing forms, derives `provides` from the
/// backend concepts the backend models, checks them in one place, and purges expired
/// records on a schedule. `memory_store`, `sqlite_store`, `postgres_store` and
/// `redis_store` are such adaptors; each passes the test suite of each service it
/// provides (tests/unit/store/).
///
/// Every operation is safe to call from many threads at once and atomic: concurrent
/// callers (in any process, for a shared database) never lose an update. Errors are
/// `std::error_code`s of `warden::store_errc`; "not found" is an empty result, not an
/// error.
///
/// Which form to call: a value-returning member comes in two forms. The one with a
/// trailing `std::error_code&` never throws for a store failure: it returns an empty
/// value with the code set, so a caller must check the code before it reads "no such
/// token" or "not blacklisted" into an empty answer. warden's policies and views call
/// only these, and answer a failure with 503 (`errors::service_unavailable()`). The form
/// without it throws `std::system_error` carrying the code, for tools and tests; a
/// handler that lets it escape gets 503 from the app as well (the code matches
/// `store_condition::unavailable`).
///
/// Shared semantics every backend follows (and the suite checks):
/// - `update_user` renaming onto a taken username is `duplicate`;
/// - `add_token` for an unknown user is `not_found`;
/// - a token with `expires_at != 0 && expires_at <= now` is expired; a session with
///   `expires_at <= now` is (so 0 means already expired for sessions);
/// - `delete_user_sessions` with an empty `except_key` spares no session;
/// - `purge_throttle` returns the number of keys removed;
/// - `blacklist` stores `now` as the blacklisting time; call `purge_expired_jwt` with
///   `now - leeway` so tokens still accepted within the leeway stay listed.
///
/// Requirements (S is the store, `s` an S&, `ec` a `std::error_code&`; a backend writes
/// the members marked (ec) only in their `ec` form, and the others as listed):
///
/// users (`users_tag`), `user_store<S>`:
/// - (ec) `std::shared_ptr<const user> s.find_user(std::int64_t id)`
/// - (ec) `std::shared_ptr<const user> s.find_user_by_username(std::string_view name)` (exact, case-sensitive)
/// - `std::error_code s.create_user(user& u)`: assigns `u.id` (1, 2, ...);
///   `store_errc::duplicate` when the username exists
/// - `std::error_code s.create_users(std::span<user> us)`: creates all of them, in order,
///   in one atomic step, or none: `duplicate` when any username exists (seeding by
///   several processes at once: exactly one succeeds, and its ids are consecutive)
/// - `std::error_code s.update_user(const user& u)`: every field by `u.id`;
///   `store_errc::not_found` when there is no such user
/// - (ec) `std::vector<user> s.list_users()` ordered by id
///
/// tokens (`tokens_tag`), `token_store<S>`:
/// - `std::error_code s.add_token(const token_record& t)`: `duplicate` if the digest exists
/// - `std::error_code s.add_token_capped(const token_record& t, std::size_t keep)`: adds
///   `t` and removes the user's oldest tokens (by `created`, then insertion) beyond
///   `keep`, as one atomic step (`keep` 0: no limit)
/// - (ec) `std::optional<token_lookup> s.find_token(const token::key_digest& d)`: the token and its
///   user as stored now (the caller checks activity and expiry)
/// - (ec) `bool s.remove_token(const token::key_digest& d)`
/// - (ec) `std::size_t s.remove_user_tokens(std::int64_t user_id)`
/// - (ec) `std::vector<token_record> s.user_tokens(std::int64_t user_id)` oldest first
/// - (ec) `std::size_t s.purge_expired_tokens(std::int64_t now)`
///
/// sessions (`sessions_tag`), `session_store<S>`:
/// - `std::error_code s.create_session(const session_record& r)`: `duplicate` if the key exists
/// - (ec) `std::optional<session_record> s.load_session(std::string_view key, std::int64_t now)`:
///   empty when absent or expired
/// - `std::error_code s.save_session(const session_record& r)`: replaces by key (`not_found` if absent)
/// - (ec) `bool s.delete_session(std::string_view key)`
/// - (ec) `std::size_t s.delete_user_sessions(std::int64_t user_id, std::string_view except_key)`
///   (the adaptor's throwing form defaults `except_key` to empty)
/// - (ec) `std::size_t s.purge_expired_sessions(std::int64_t now)`
///
/// throttle counters (`throttle_counters_tag`), `throttle_store<S>`:
/// - (ec) `throttle_state s.throttle_hit(std::string_view key, double now, double window, std::size_t limit)`:
///   atomically drops hits older than `now - window`, then records this hit if fewer than
///   `limit` remain (DRF's SimpleRateThrottle history, as one atomic step); with `ec`
///   set it returns a refusal (a throttle fails closed)
/// - (ec) `std::size_t s.purge_throttle(double now, double max_window)`
///
/// JWT blacklist (`jwt_blacklist_tag`), `jwt_blacklist_store<S>`:
/// - `std::error_code s.add_outstanding(const outstanding_token& t)` (idempotent by jti)
/// - (ec) `bool s.blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now)`: true if
///   newly blacklisted, false if it already was
/// - (ec) `bool s.is_blacklisted(std::string_view jti)`
/// - (ec) `std::size_t s.blacklist_user(std::int64_t user_id, std::int64_t now)`: every outstanding
///   token of the user
/// - (ec) `std::size_t s.purge_expired_jwt(std::int64_t now)`: outstanding and blacklisted entries past expiry
#ifndef WARDEN_STORE_CONCEPTS_HPP
#define WARDEN_STORE_CONCEPTS_HPP

#include <warden/core/identity.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden {

// --- Backends: the non-throwing operations a backend writes --------------------------

/// A backend of the user service (see the file comment).
template <class B>
concept user_backend = requires(B& b, user& u, const user& cu, std::span<user> us, std::int64_t id, std::string_view name,
                                std::error_code& ec) {
    { b.find_user(id, ec) } -> std::same_as<std::shared_ptr<const user>>;
    { b.find_user_by_username(name, ec) } -> std::same_as<std::shared_ptr<const user>>;
    { b.create_user(u) } -> std::same_as<std::error_code>;
    { b.create_users(us) } -> std::same_as<std::error_code>;
    { b.update_user(cu) } -> std::same_as<std::error_code>;
    { b.list_users(ec) } -> std::same_as<std::vector<user>>;
};

/// A backend of the token service.
template <class B>
concept token_backend = requires(B& b, const token_record& t, const token::key_digest& d, std::int64_t id, std::size_t n,
                                 std::error_code& ec) {
    { b.add_token(t) } -> std::same_as<std::error_code>;
    { b.add_token_capped(t, n) } -> std::same_as<std::error_code>;
    { b.find_token(d, ec) } -> std::same_as<std::optional<token_lookup>>;
    { b.remove_token(d, ec) } -> std::same_as<bool>;
    { b.remove_user_tokens(id, ec) } -> std::same_as<std::size_t>;
    { b.user_tokens(id, ec) } -> std::same_as<std::vector<token_record>>;
    { b.purge_expired_tokens(id, ec) } -> std::same_as<std::size_t>;
};

/// A backend of the token service in DRF's own model (`rest_framework.authtoken`'s
/// table, as the Django schema mode serves it): the 40-hex key is stored in clear, a user
/// has at most one, and it never expires. It replaces `token_backend`; warden's token
/// functions (warden/token/tokens.hpp) and `token_auth` work with either.
/// - (ec) `std::optional<token_lookup> find_token_by_key(std::string_view key)`: the token
///   and its user (`token.digest` is left zero: `token::find` fills it)
/// - (ec) `std::string user_token_key(std::int64_t user_id, std::int64_t now)`: the user's
///   key, made from the CSPRNG and stored first when the user has none (DRF's
///   `Token.objects.get_or_create(user=user)`); `not_found` for an unknown user
/// - (ec) `bool remove_token_by_key(std::string_view key)`
/// - (ec) `std::size_t remove_user_tokens(std::int64_t user_id)`
template <class B>
concept keyed_token_backend = requires(B& b, std::string_view key, std::int64_t id, std::error_code& ec) {
    { b.find_token_by_key(key, ec) } -> std::same_as<std::optional<token_lookup>>;
    { b.user_token_key(id, id, ec) } -> std::same_as<std::string>;
    { b.remove_token_by_key(key, ec) } -> std::same_as<bool>;
    { b.remove_user_tokens(id, ec) } -> std::same_as<std::size_t>;
};

/// A user backend that changes one field without rewriting the others: a service
/// sharing its user table with another program (Django) must not write back a stale
/// `is_active` or password when it only records a login or upgrades a hash. Optional;
/// warden/store/user_updates.hpp falls back to `update_user` without them.
template <class B>
concept user_field_backend = requires(B& b, std::int64_t id, std::string_view encoded) {
    { b.set_user_password(id, encoded) } -> std::same_as<std::error_code>;
    { b.set_last_login(id, id) } -> std::same_as<std::error_code>;
};

/// A backend of the session service.
template <class B>
concept session_backend = requires(B& b, const session_record& r, std::string_view key, std::int64_t t, std::error_code& ec) {
    { b.create_session(r) } -> std::same_as<std::error_code>;
    { b.load_session(key, t, ec) } -> std::same_as<std::optional<session_record>>;
    { b.save_session(r) } -> std::same_as<std::error_code>;
    { b.delete_session(key, ec) } -> std::same_as<bool>;
    { b.delete_user_sessions(t, key, ec) } -> std::same_as<std::size_t>;
    { b.purge_expired_sessions(t, ec) } -> std::same_as<std::size_t>;
};

/// A backend of the throttle counter service.
template <class B>
concept throttle_backend = requires(B& b, std::string_view key, double now, std::size_t limit, std::error_code& ec) {
    { b.throttle_hit(key, now, now, limit, ec) } -> std::same_as<throttle_state>;
    { b.purge_throttle(now, now, ec) } -> std::same_as<std::size_t>;
};

/// A backend of the JWT blacklist service.
template <class B>
concept jwt_blacklist_backend = requires(B& b, const outstanding_token& t, std::string_view jti, std::int64_t n,
                                         std::error_code& ec) {
    { b.add_outstanding(t) } -> std::same_as<std::error_code>;
    { b.blacklist(jti, n, n, ec) } -> std::same_as<bool>;
    { b.is_blacklisted(jti, ec) } -> std::same_as<bool>;
    { b.blacklist_user(n, n, ec) } -> std::same_as<std::size_t>;
    { b.purge_expired_jwt(n, ec) } -> std::same_as<std::size_t>;
};

// --- Stores: what policies, views and tools call -------------------------------------

/// A user store: the backend's operations and their throwing forms.
template <class S>
concept user_store = user_backend<S> && requires(S& s, std::int64_t id, std::string_view name) {
    { s.find_user(id) } -> std::same_as<std::shared_ptr<const user>>;
    { s.find_user_by_username(name) } -> std::same_as<std::shared_ptr<const user>>;
    { s.list_users() } -> std::same_as<std::vector<user>>;
};

/// A token store.
template <class S>
concept token_store = token_backend<S> && requires(S& s, const token::key_digest& d, std::int64_t id) {
    { s.find_token(d) } -> std::same_as<std::optional<token_lookup>>;
    { s.remove_token(d) } -> std::same_as<bool>;
    { s.remove_user_tokens(id) } -> std::same_as<std::size_t>;
    { s.user_tokens(id) } -> std::same_as<std::vector<token_record>>;
    { s.purge_expired_tokens(id) } -> std::same_as<std::size_t>;
};

/// A token store in DRF's own model (see `keyed_token_backend`).
template <class S>
concept keyed_token_store = keyed_token_backend<S> && requires(S& s, std::string_view key, std::int64_t id) {
    { s.find_token_by_key(key) } -> std::same_as<std::optional<token_lookup>>;
    { s.user_token_key(id, id) } -> std::same_as<std::string>;
    { s.remove_token_by_key(key) } -> std::same_as<bool>;
    { s.remove_user_tokens(id) } -> std::same_as<std::size_t>;
};

/// A session store.
template <class S>
concept session_store = session_backend<S> && requires(S& s, std::string_view key, std::int64_t t) {
    { s.load_session(key, t) } -> std::same_as<std::optional<session_record>>;
    { s.delete_session(key) } -> std::same_as<bool>;
    { s.delete_user_sessions(t, key) } -> std::same_as<std::size_t>;
    { s.delete_user_sessions(t) } -> std::same_as<std::size_t>;
    { s.purge_expired_sessions(t) } -> std::same_as<std::size_t>;
};

/// A throttle counter store.
template <class S>
concept throttle_store = throttle_backend<S> && requires(S& s, std::string_view key, double now, std::size_t limit) {
    { s.throttle_hit(key, now, now, limit) } -> std::same_as<throttle_state>;
    { s.purge_throttle(now, now) } -> std::same_as<std::size_t>;
};

/// A JWT blacklist store.
template <class S>
concept jwt_blacklist_store = jwt_blacklist_backend<S> && requires(S& s, std::string_view jti, std::int64_t n) {
    { s.blacklist(jti, n, n) } -> std::same_as<bool>;
    { s.is_blacklisted(jti) } -> std::same_as<bool>;
    { s.blacklist_user(n, n) } -> std::same_as<std::size_t>;
    { s.purge_expired_jwt(n) } -> std::same_as<std::size_t>;
};

} // namespace warden

#endif
