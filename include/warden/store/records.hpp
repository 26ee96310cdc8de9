/// @file
/// The records stores keep: tokens, sessions, throttle windows, JWT entries.
/// Users are `warden::user` (core/identity.hpp). Times are seconds since the epoch.
#ifndef WARDEN_STORE_RECORDS_HPP
#define WARDEN_STORE_RECORDS_HPP

#include <warden/core/identity.hpp>
#include <warden/store/key_digest.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace warden {

/// An API token as stored: the digest of its key, never the key.
struct token_record {
    token::key_digest digest{};
    std::int64_t user_id = 0;
    std::int64_t created = 0;
    /// 0: never expires.
    std::int64_t expires_at = 0;
};

/// A token together with its (current) user, as token authentication needs both.
struct token_lookup {
    token_record token;
    std::shared_ptr<const user> owner;

    /// The lookup of the token `digest` whose row holds `created`, `expires_at` and its
    /// owner (the SQL stores read them in one join).
    static token_lookup found(const token::key_digest& digest, std::int64_t created, std::int64_t expires_at, user owner) {
        token_lookup hit;
        hit.token.digest = digest;
        hit.token.created = created;
        hit.token.expires_at = expires_at;
        hit.token.user_id = owner.id;
        hit.owner = std::make_shared<const user>(std::move(owner));
        return hit;
    }
};

/// A server-side session.
struct session_record {
    /// The session id: 32 characters of [a-z0-9] from the CSPRNG.
    std::string key;
    /// 0: an anonymous session (e.g. holding only a CSRF secret).
    std::int64_t user_id = 0;
    /// Keyed hash of the user's password hash when the session began; a password
    /// change makes it stale (Django's session auth hash).
    std::string auth_hash;
    /// The CSRF secret bound to the session, when CSRF_USE_SESSIONS-style storage is used.
    std::string csrf_secret;
    std::int64_t expires_at = 0;
};

/// What a throttle store answers for one hit on a key: whether the hit was recorded
/// (allowed), and the window's state to compute DRF's wait.
struct throttle_state {
    bool allowed = true;
    /// Hits in the window after this one (when allowed) or as it stands (when not).
    std::size_t count = 0;
    /// Time of the oldest hit still in the window (seconds, fractional), or 0.
    double oldest = 0;
};

/// A JWT refresh (or sliding) token issued by the app: simplejwt's OutstandingToken.
struct outstanding_token {
    std::string jti;
    std::int64_t user_id = 0;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
};

} // namespace warden

#endif
