/// @file
/// The session auth hash: what ties a session to the password it was opened with, so
/// that changing the password ends the user's other sessions (Django's
/// `get_session_auth_hash`).
///
/// The hash is Django 3.2's `salted_hmac` with SHA-256: HMAC-SHA-256 keyed with
/// SHA-256(salt + secret_key) over the user's encoded password hash, in lowercase hex.
/// warden uses Django's salt, so for the same SECRET_KEY and password hash both compute
/// the same value (and accepts what Django 3.2 to 5.x accept: see `auth_hasher`). Keyed
/// with the server secret, a stored hash reveals nothing about
/// the password hash and cannot be forged from a leaked session table without the key.
#ifndef WARDEN_SESSION_AUTH_HASH_HPP
#define WARDEN_SESSION_AUTH_HASH_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/django_signing.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace warden::session {

/// The key salt of Django's `AbstractBaseUser.get_session_auth_hash`.
inline constexpr std::string_view auth_hash_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/// How a session's stored auth hash matched the user's password hash.
enum class auth_hash_match {
    none,        ///< No match: the password changed since login (Django flushes the session).
    current,     ///< HMAC-SHA-256 with the current secret (`get_session_auth_hash`).
    legacy_sha1, ///< Django 3.2's HMAC-SHA-1 with the current secret (`_legacy_get_session_auth_hash`).
    fallback,    ///< HMAC-SHA-256 with one of the fallback secrets (Django 4.1's SECRET_KEY_FALLBACKS).
};

/// Computes and checks session auth hashes, with the verification rules of Django's
/// `django.contrib.auth.get_user`: the current secret, Django 3.2's SHA-1 form (unless
/// turned off) and the fallback secrets. Keys are derived once, at construction.
///
/// Thread-safe (the HMACs keep per-thread contexts); cheap to call per request.
///
/// @code
/// warden::session::auth_hasher h{settings.secret_key, settings.secret_key_fallbacks};
/// record.auth_hash = h.hash(user.password);                         // at login
/// bool still_valid = h.matches(user.password, record.auth_hash);   // per request
/// @endcode
class auth_hasher {
public:
    /// Keys the hasher with `secret_key` (the app's `settings.secret_key`), which hashes
    /// and verifies, and `fallbacks` (`settings.secret_key_fallbacks`), which only verify.
    /// @param accept_legacy also verify Django 3.2's SHA-1 hashes made with the secret.
    /// @throws std::system_error if OpenSSL cannot set up the HMAC.
    explicit auth_hasher(std::string_view secret_key, std::span<const std::string> fallbacks = {},
                         bool accept_legacy = true) {
        keys_.reserve(1 + fallbacks.size());
        keys_.emplace_back(crypto::hash_algorithm::sha256, auth_hash_salt, secret_key);
        for (const auto& f : fallbacks) keys_.emplace_back(crypto::hash_algorithm::sha256, auth_hash_salt, f);
        if (accept_legacy) legacy_.emplace(crypto::hash_algorithm::sha1, auth_hash_salt, secret_key);
    }

    /// The auth hash of `password_hash` (a user's encoded password) with the current
    /// secret, 64 hex characters; empty if OpenSSL fails (which then matches nothing).
    std::string hash(std::string_view password_hash) const { return hex_of(keys_.front(), password_hash); }

    /// Which key, if any, made `stored` (from a session) from `password_hash`, compared in
    /// constant time. An empty `stored` never matches (Django: `session_hash and ...`).
    auth_hash_match check(std::string_view stored, std::string_view password_hash) const {
        if (stored.empty()) return auth_hash_match::none;
        if (matches_key(keys_.front(), stored, password_hash)) return auth_hash_match::current;
        if (legacy_ && matches_key(*legacy_, stored, password_hash)) return auth_hash_match::legacy_sha1;
        for (std::size_t i = 1; i < keys_.size(); ++i)
            if (matches_key(keys_[i], stored, password_hash)) return auth_hash_match::fallback;
        return auth_hash_match::none;
    }

    /// Whether `stored` is an auth hash of `password_hash` under any accepted key.
    bool matches(std::string_view password_hash, std::string_view stored) const {
        return check(stored, password_hash) != auth_hash_match::none;
    }

private:
    static std::string hex_of(const crypto::django::salted_mac& key, std::string_view value) {
        crypto::django::mac_bytes mac;
        if (key.compute(value, mac)) return {};
        return mac.hex();
    }
    static bool matches_key(const crypto::django::salted_mac& key, std::string_view stored, std::string_view value) {
        const std::string expected = hex_of(key, value);
        return !expected.empty() && crypto::constant_time_equal(expected, stored);
    }

    std::vector<crypto::django::salted_mac> keys_;       // the secret first, then the fallbacks
    std::optional<crypto::django::salted_mac> legacy_;   // SHA-1 with the secret
};

} // namespace warden::session

#endif
