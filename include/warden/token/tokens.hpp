/// @file
/// Issuing and revoking API tokens: what obtain_auth_token and `warden token` do.
#ifndef WARDEN_TOKEN_TOKENS_HPP
#define WARDEN_TOKEN_TOKENS_HPP

#include <warden/core/settings.hpp>
#include <warden/store/records.hpp>
#include <warden/token/key.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::token {

/// Makes a new token for `user_id`, stores only its digest, and returns the key in
/// `key_out` (the only time it exists outside the client). Applies the settings'
/// lifetime (`token.ttl`) and per-user limit (`token.max_per_user`: the oldest tokens
/// beyond it are revoked in the same atomic store step, so concurrent obtains never
/// leave a user more).
///
/// @return a store failure (`store_errc`) or a CSPRNG failure; nothing is stored then.
/// @code
/// std::string key;
/// if (auto ec = warden::token::issue(store, user.id, settings, now, key)) return ec;
/// @endcode
template <class Tokens>
std::error_code issue(Tokens& tokens, std::int64_t user_id, const settings& s, std::int64_t now, std::string& key_out) {
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

/// Revokes the token whose key is `key`. Returns false when no such token exists, or
/// with `ec` set when the store failed.
template <class Tokens>
bool revoke(Tokens& tokens, std::string_view key, std::error_code& ec) {
    ec.clear();
    return is_well_formed_key(key) && tokens.remove_token(digest_key(key), ec);
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
