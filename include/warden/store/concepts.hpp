/// @file
/// Store concepts. A store is any object providing some of these services (declared
/// with `using provides = warden::provides<...>;`); `memory_store` and `sqlite_store`
/// provide all of them and pass one shared test suite (tests/unit/store/).
///
/// Every operation is safe to call from many threads at once and atomic: concurrent
/// callers never lose an update. Errors are `std::error_code`s of `warden::store_errc`;
/// "not found" is an empty result, not an error.
///
/// Failures of members that return a value (a lookup, a count, a bool) cannot be told
/// apart from "not found" by the return value, so a backend that can fail (a database)
/// throws `std::system_error` carrying its `store_errc` from them (the app turns it into
/// a 500; a failure is never read as "not found" or "not blacklisted"). Backends also
/// offer each member with a trailing `std::error_code&` that never throws; warden's
/// policies use those when they exist.
///
/// Shared semantics both backends follow (and the test suite checks):
/// - `update_user` renaming onto a taken username is `duplicate`;
/// - `add_token` for an unknown user is `not_found`;
/// - a token with `expires_at != 0 && expires_at <= now` is expired; a session with
///   `expires_at <= now` is (so 0 means already expired for sessions);
/// - `delete_user_sessions` with an empty `except_key` spares no session;
/// - `purge_throttle` returns the number of keys removed;
/// - `blacklist` stores `now` as the blacklisting time; call `purge_expired_jwt` with
///   `now - leeway` so tokens still accepted within the leeway stay listed.
///
/// Requirements (S is the store, `s` an S&):
///
/// users (`users_tag`), `user_store<S>`:
/// - `std::shared_ptr<const user> s.find_user(std::int64_t id)`
/// - `std::shared_ptr<const user> s.find_user_by_username(std::string_view name)` (exact, case-sensitive)
/// - `std::error_code s.create_user(user& u)`: assigns `u.id` (1, 2, ...);
///   `store_errc::duplicate` when the username exists
/// - `std::error_code s.update_user(const user& u)`: every field by `u.id`;
///   `store_errc::not_found` when there is no such user
/// - `std::vector<user> s.list_users()` ordered by id
///
/// tokens (`tokens_tag`), `token_store<S>`:
/// - `std::error_code s.add_token(const token_record& t)`: `duplicate` if the digest exists
/// - `std::optional<token_lookup> s.find_token(const token::key_digest& d)`: the token and its
///   user as stored now (the caller checks activity and expiry)
/// - `bool s.remove_token(const token::key_digest& d)`
/// - `std::size_t s.remove_user_tokens(std::int64_t user_id)`
/// - `std::vector<token_record> s.user_tokens(std::int64_t user_id)` oldest first
/// - `std::size_t s.purge_expired_tokens(std::int64_t now)`
///
/// sessions (`sessions_tag`), `session_store<S>`:
/// - `std::error_code s.create_session(const session_record& r)`: `duplicate` if the key exists
/// - `std::optional<session_record> s.load_session(std::string_view key, std::int64_t now)`:
///   empty when absent or expired
/// - `std::error_code s.save_session(const session_record& r)`: replaces by key (`not_found` if absent)
/// - `bool s.delete_session(std::string_view key)`
/// - `std::size_t s.delete_user_sessions(std::int64_t user_id, std::string_view except_key = {})`
/// - `std::size_t s.purge_expired_sessions(std::int64_t now)`
///
/// throttle counters (`throttle_counters_tag`), `throttle_store<S>`:
/// - `throttle_state s.throttle_hit(std::string_view key, double now, double window, std::size_t limit)`:
///   atomically drops hits older than `now - window`, then records this hit if fewer than
///   `limit` remain (DRF's SimpleRateThrottle history, as one atomic step)
/// - `std::size_t s.purge_throttle(double now, double max_window)`
///
/// JWT blacklist (`jwt_blacklist_tag`), `jwt_blacklist_store<S>`:
/// - `std::error_code s.add_outstanding(const outstanding_token& t)` (idempotent by jti)
/// - `bool s.blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now)`: true if
///   newly blacklisted, false if it already was
/// - `bool s.is_blacklisted(std::string_view jti)`
/// - `std::size_t s.blacklist_user(std::int64_t user_id, std::int64_t now)`: every outstanding
///   token of the user
/// - `std::size_t s.purge_expired_jwt(std::int64_t now)`: outstanding and blacklisted entries past expiry
#ifndef WARDEN_STORE_CONCEPTS_HPP
#define WARDEN_STORE_CONCEPTS_HPP

#include <warden/core/identity.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden {

template <class S>
concept user_store = requires(S& s, user& u, const user& cu, std::int64_t id, std::string_view name) {
    { s.find_user(id) } -> std::same_as<std::shared_ptr<const user>>;
    { s.find_user_by_username(name) } -> std::same_as<std::shared_ptr<const user>>;
    { s.create_user(u) } -> std::same_as<std::error_code>;
    { s.update_user(cu) } -> std::same_as<std::error_code>;
    { s.list_users() } -> std::same_as<std::vector<user>>;
};

template <class S>
concept token_store = requires(S& s, const token_record& t, const token::key_digest& d, std::int64_t id) {
    { s.add_token(t) } -> std::same_as<std::error_code>;
    { s.find_token(d) } -> std::same_as<std::optional<token_lookup>>;
    { s.remove_token(d) } -> std::same_as<bool>;
    { s.remove_user_tokens(id) } -> std::same_as<std::size_t>;
    { s.user_tokens(id) } -> std::same_as<std::vector<token_record>>;
    { s.purge_expired_tokens(id) } -> std::same_as<std::size_t>;
};

template <class S>
concept session_store = requires(S& s, const session_record& r, std::string_view key, std::int64_t t) {
    { s.create_session(r) } -> std::same_as<std::error_code>;
    { s.load_session(key, t) } -> std::same_as<std::optional<session_record>>;
    { s.save_session(r) } -> std::same_as<std::error_code>;
    { s.delete_session(key) } -> std::same_as<bool>;
    { s.delete_user_sessions(t, key) } -> std::same_as<std::size_t>;
    { s.purge_expired_sessions(t) } -> std::same_as<std::size_t>;
};

template <class S>
concept throttle_store = requires(S& s, std::string_view key, double now, std::size_t limit) {
    { s.throttle_hit(key, now, now, limit) } -> std::same_as<throttle_state>;
    { s.purge_throttle(now, now) } -> std::same_as<std::size_t>;
};

template <class S>
concept jwt_blacklist_store = requires(S& s, const outstanding_token& t, std::string_view jti, std::int64_t n) {
    { s.add_outstanding(t) } -> std::same_as<std::error_code>;
    { s.blacklist(jti, n, n) } -> std::same_as<bool>;
    { s.is_blacklisted(jti) } -> std::same_as<bool>;
    { s.blacklist_user(n, n) } -> std::same_as<std::size_t>;
    { s.purge_expired_jwt(n) } -> std::same_as<std::size_t>;
};

} // namespace warden

#endif
