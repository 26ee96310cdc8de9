/// @file
/// Finding, issuing and revoking API tokens: what token_auth, obtain_auth_token, the
/// logout views and `warden token` do. Each function works with both kinds of token
/// store (warden/store/concepts.hpp): warden's own, holding digests (`token_store`), and
/// DRF's table in the Django schema mode, holding clear keys (`keyed_token_store`).
#ifndef WARDEN_TOKEN_TOKENS_HPP
#define WARDEN_TOKEN_TOKENS_HPP

#include <warden/core/settings.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/records.hpp>
#include <warden/token/key.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::token {

/// The token whose key is `key` (well formed: `is_well_formed_key`), whose digest the
/// caller has computed once as `digest`, with its user; empty when there is none, or
/// with `ec` set when the store failed. A digest store's row is confirmed in constant
/// time; a keyed store (DRF's table) matched the key itself, and its lookup carries
/// `digest` from here on (to name the token in logs, never the key).
template <class Tokens>
std::optional<token_lookup> find(Tokens& tokens, std::string_view key, const key_digest& digest, std::error_code& ec) {
    std::optional<token_lookup> found;
    if constexpr (keyed_token_store<Tokens>) {
        found = tokens.find_token_by_key(key, ec);
        if (ec) return std::nullopt;
        if (found) found->token.digest = digest;
        return found;
    } else {
        found = tokens.find_token(digest, ec);
        if (ec || !found || !digests_match(digest, found->token.digest)) return std::nullopt;
        return found;
    }
}

namespace detail {

// issue() for a store of digests.
template <class Tokens>
std::error_code issue_digest(Tokens& tokens, std::int64_t user_id, const settings& s, std::int64_t now, std::string& key_out) {
    std::string key;
    if (auto ec = generate_key(key)) return ec;
    token_record rec;
    rec.digest = digest_key(key);
    rec.user_id = user_id;
    rec.created = now;
    rec.expires_at = s.token.ttl.count() > 0 ? now + s.token.ttl.count() : 0;
    if (auto ec = tokens.add_token_capped(rec, s.token.max_per_user)) return ec;
    key_out = std::move(key);
    return {};
}

} // namespace detail

/// Makes a new token for `user_id`, stores only its digest, and returns the key in
/// `key_out` (the only time it exists outside the client). Applies the settings'
/// lifetime (`token.ttl`) and per-user limit (`token.max_per_user`: the oldest tokens
/// beyond it are revoked in the same atomic store step, so concurrent obtains never
/// leave a user more).
///
/// Over DRF's table (a `keyed_token_store`) it is DRF's `get_or_create`: the user's
/// existing key, or a new one stored in clear; the settings do not apply (DRF's tokens
/// never expire and a user has one).
///
/// @return a store failure (`store_errc`) or a CSPRNG failure; nothing is stored then.
/// @code
/// std::string key;
/// if (auto ec = warden::token::issue(store, user.id, settings, now, key)) return ec;
/// @endcode
template <class Tokens>
std::error_code issue(Tokens& tokens, std::int64_t user_id, const settings& s, std::int64_t now, std::string& key_out) {
    if constexpr (keyed_token_store<Tokens>) {
        std::error_code ec;
        std::string key = tokens.user_token_key(user_id, now, ec);
        if (!ec) key_out = std::move(key);
        return ec;
    } else {
        return detail::issue_digest(tokens, user_id, s, now, key_out);
    }
}

/// Revokes the token whose key is `key`. Returns false when no such token exists, or
/// with `ec` set when the store failed.
template <class Tokens>
bool revoke(Tokens& tokens, std::string_view key, std::error_code& ec) {
    ec.clear();
    if (!is_well_formed_key(key)) return false;
    if constexpr (keyed_token_store<Tokens>) return tokens.remove_token_by_key(key, ec);
    else return tokens.remove_token(digest_key(key), ec);
}

/// Revokes the token whose key is `key`. Returns false when no such token exists.
/// @throws std::system_error when the store fails.
template <class Tokens>
bool revoke(Tokens& tokens, std::string_view key) {
    std::error_code ec;
    bool found = revoke(tokens, key, ec);
    if (ec) throw std::system_error(ec, "warden: revoking a token");
    return found;
}

/// Revokes every token of `user_id`; returns how many there were (0 with `ec` set when
/// the store failed).
template <class Tokens>
std::size_t revoke_all(Tokens& tokens, std::int64_t user_id, std::error_code& ec) {
    return tokens.remove_user_tokens(user_id, ec);
}

/// Revokes every token of `user_id`; returns how many there were.
/// @throws std::system_error when the store fails.
template <class Tokens>
std::size_t revoke_all(Tokens& tokens, std::int64_t user_id) {
    return tokens.remove_user_tokens(user_id);
}

} // namespace warden::token

#endif
