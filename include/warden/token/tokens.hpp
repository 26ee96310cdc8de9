/// @file
/// Issuing and revoking API tokens: what obtain_auth_token and `warden token` do.
#ifndef WARDEN_TOKEN_TOKENS_HPP
#define WARDEN_TOKEN_TOKENS_HPP

#include <warden/core/settings.hpp>
#include <warden/store/records.hpp>
#include <warden/token/key.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::token {

/// Makes a new token for `user_id`, stores only its digest, and returns the key in
/// `key_out` (the only time it exists outside the client). Applies the settings'
/// lifetime (`token.ttl`) and per-user limit (`token.max_per_user`: the oldest tokens
/// beyond it are revoked).
///
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
    if (auto ec = tokens.add_token(rec)) return ec;
    if (s.token.max_per_user > 0) {
        auto all = tokens.user_tokens(user_id);   // oldest first
        for (std::size_t i = 0; i + s.token.max_per_user < all.size(); ++i) tokens.remove_token(all[i].digest);
    }
    key_out = std::move(key);
    return {};
}

/// Revokes the token whose key is `key`. Returns false when no such token exists.
template <class Tokens>
bool revoke(Tokens& tokens, std::string_view key) {
    return is_well_formed_key(key) && tokens.remove_token(digest_key(key));
}

/// Revokes every token of `user_id`; returns how many there were.
template <class Tokens>
std::size_t revoke_all(Tokens& tokens, std::int64_t user_id) {
    return tokens.remove_user_tokens(user_id);
}

} // namespace warden::token

#endif
