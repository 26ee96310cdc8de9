/// @file
/// simplejwt's token_blacklist app over a warden store (`jwt_blacklist_store`:
/// `memory_store`, `sqlite_store`): outstanding tokens, the blacklist, the purge of
/// expired entries (simplejwt's `flushexpiredtokens`), and, beyond simplejwt,
/// revocation of access tokens by `jti` until they expire.
///
/// | simplejwt                                    | warden                                   |
/// |----------------------------------------------|------------------------------------------|
/// | `RefreshToken.for_user` (OutstandingToken)   | `record_outstanding(store, payload, ...)`|
/// | `token.check_blacklist()`                    | `check_blacklist(store, payload, cfg)`   |
/// | `token.blacklist()`                          | `blacklist(store, payload, cfg, now)`    |
/// | `manage.py flushexpiredtokens`               | `purge_expired(store, cfg, now)`         |
/// | —                                            | `revoke(store, raw, keys, now)` (access) |
/// | —                                            | `blacklist_user(store, user_id, now)`    |
///
/// Entries are keyed by `jti`. A sliding token keeps its `jti` when it is refreshed,
/// so its entries last until the later of `exp` and `refresh_exp` (simplejwt keeps
/// only `exp`, and a purge could then forget a blacklisted sliding token that can
/// still be refreshed). Store failures are never "not blacklisted": each function
/// reports the store's code (`warden::is_store_failure(ec)`), which warden's
/// authenticators and views answer with 503. The store purges expired entries on its
/// own schedule too (warden/store/basic_store.hpp).
///
/// @code
/// auto& db = ctx.template get<warden::jwt_blacklist_tag>();
/// if (auto ec = warden::jwt::revoke(db, access_token, keys, ctx.clock().now())) {   // logout
///     if (warden::is_store_failure(ec)) throw warden::errors::service_unavailable();
///     return bad_request(ec);
/// }
/// warden::jwt::purge_expired(db, keys.config(), ctx.clock().now_seconds());         // a daily job
/// @endcode
#ifndef WARDEN_JWT_BLACKLIST_HPP
#define WARDEN_JWT_BLACKLIST_HPP

#include <warden/jwt/error.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/records.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt {

namespace detail {

// jti_of over `claims` or `object_claims`.
template <class Claims>
std::optional<std::string> jti_text(const Claims& c, const settings& s) {
    if (s.jti_claim.empty()) return std::nullopt;
    if (auto str = c.string_claim(s.jti_claim)) return std::string(*str);
    if (!c.contains(s.jti_claim)) return std::nullopt;
    return boost::json::serialize(*c.find(s.jti_claim)); // not a string: rare, read from the DOM
}

// check_blacklist over `claims` or `object_claims`.
template <class Store, class Claims>
std::error_code check_blacklist_of(Store& store, const Claims& c, const settings& s) {
    if (s.jti_claim.empty()) return {};
    std::error_code ec;
    bool listed = false;
    if (auto str = c.string_claim(s.jti_claim)) listed = store.is_blacklisted(*str, ec);
    else if (auto jti = jti_text(c, s)) listed = store.is_blacklisted(*jti, ec);
    else return {};
    if (ec) return ec;
    return listed ? std::error_code(errc::blacklisted) : std::error_code{};
}

} // namespace detail

/// The token's id as the store keys it: the `jti` claim (`settings::jti_claim`) when
/// a string, its JSON text otherwise (a number); empty when absent or when the
/// settings have no jti claim.
inline std::optional<std::string> jti_of(const boost::json::object& payload, const settings& s) {
    return detail::jti_text(detail::object_claims{payload}, s);
}

/// `jti_of` on verified claims (a string `jti` is read from their table).
inline std::optional<std::string> jti_of(const claims& c, const settings& s) { return detail::jti_text(c, s); }

/// How long a store keeps an entry for this token: its `exp` (whole seconds), or for a
/// sliding token the later of `exp` and the refresh expiry claim. 0 when none is a number.
inline std::int64_t record_expiry(const boost::json::object& payload, const settings& s) noexcept {
    std::int64_t out = 0, v = 0;
    if (auto it = payload.find("exp"); it != payload.end() && detail::numeric_date(it->value(), v)) out = v;
    if (!s.sliding_token_refresh_exp_claim.empty()) {
        auto tt = s.token_type_claim.empty() ? payload.end() : payload.find(s.token_type_claim);
        bool sliding = tt != payload.end() && tt->value().is_string() && tt->value().get_string() == "sliding";
        if (auto it = payload.find(s.sliding_token_refresh_exp_claim);
            sliding && it != payload.end() && detail::numeric_date(it->value(), v) && v > out)
            out = v;
    }
    return out;
}

/// Records a newly issued refresh or sliding token as outstanding (simplejwt's
/// `for_user` with the blacklist app), so `blacklist_user` can later reach it.
/// @return the store's error, or `errc::missing_jti` when the token has no id.
template <jwt_blacklist_store Store>
std::error_code record_outstanding(Store& store, const boost::json::object& payload, std::int64_t user_id,
                                   const settings& s, std::int64_t now) {
    auto jti = jti_of(payload, s);
    if (!jti) return errc::missing_jti;
    outstanding_token t;
    t.jti = std::move(*jti);
    t.user_id = user_id;
    t.created_at = now;
    t.expires_at = record_expiry(payload, s);
    return store.add_outstanding(t);
}

/// simplejwt's `check_blacklist()`: `errc::blacklisted` when the token's `jti` is on
/// the blacklist; the store's code when the store failed (check
/// `warden::is_store_failure` first); empty otherwise (a token without `jti` is then
/// refused by `verify_token_claims` with "Token has no id", where simplejwt fails with
/// a 500).
template <jwt_blacklist_store Store>
std::error_code check_blacklist(Store& store, const boost::json::object& payload, const settings& s) {
    return detail::check_blacklist_of(store, detail::object_claims{payload}, s);
}

/// `check_blacklist` on verified claims: a string `jti` is looked up as it is in their
/// table, without a copy.
template <jwt_blacklist_store Store>
std::error_code check_blacklist(Store& store, const claims& c, const settings& s) {
    return detail::check_blacklist_of(store, c, s);
}

/// simplejwt's `token.blacklist()`: puts the token's `jti` on the blacklist until the
/// token expires (see `record_expiry`).
/// @return true when newly blacklisted; false when it already was (or has no `jti`),
///         or with `ec` set when the store failed. Rotation relies on this: of two
///         concurrent refreshes of one token, only the one that blacklists it first
///         goes on.
template <jwt_blacklist_store Store>
bool blacklist(Store& store, const boost::json::object& payload, const settings& s, std::int64_t now, std::error_code& ec) {
    ec.clear();
    auto jti = jti_of(payload, s);
    if (!jti) return false;
    return store.blacklist(*jti, record_expiry(payload, s), now, ec);
}

/// Beyond simplejwt: revokes a token, typically an access token at logout, by
/// blacklisting its `jti` until it expires. From then on `token_verify` reports it
/// blacklisted and authenticators built with `auth_options{.check_revoked = true}`
/// (`revocable_jwt_auth`) refuse it.
///
/// The token is verified first (signature and claims, any type): a token that does not
/// verify, has expired (nothing left to revoke) or has no `jti` is not recorded.
/// @return empty when revoked (or already revoked), else the reason (`jwt::errc`), or
///         the store's code when the store failed.
template <jwt_blacklist_store Store>
std::error_code revoke(Store& store, std::string_view raw_token, const key_service& k,
                       std::chrono::system_clock::time_point now) {
    claims c;
    if (auto ec = k.backend().decode(raw_token, c, now)) return ec;
    if (auto ec = verify_token_claims(c, token_type::untyped, k.config())) return ec;
    std::error_code ec;
    (void)blacklist(store, c.object(), k.config(), detail::unix_seconds(now), ec);
    return ec;
}

/// Blacklists every outstanding (recorded) refresh and sliding token of a user, for
/// "log out everywhere" or a compromised account. Access tokens are not recorded;
/// they live until they expire unless revoked one by one.
/// @return how many tokens were newly blacklisted (0 with `ec` set when the store failed).
template <jwt_blacklist_store Store>
std::size_t blacklist_user(Store& store, std::int64_t user_id, std::int64_t now, std::error_code& ec) {
    return store.blacklist_user(user_id, now, ec);
}

/// simplejwt's `flushexpiredtokens`: removes outstanding and blacklist entries whose
/// tokens expired before `now - leeway` (a token the verifier still accepts within
/// its leeway stays listed). The store also does it on its own schedule, with a
/// grace far above any leeway; call this for an exact purge.
/// @return how many entries were removed (0 with `ec` set when the store failed).
template <jwt_blacklist_store Store>
std::size_t purge_expired(Store& store, const settings& s, std::int64_t now, std::error_code& ec) {
    return store.purge_expired_jwt(now - s.leeway.count(), ec);
}

} // namespace warden::jwt

#endif
