/// @file
/// The session auth hash: what ties a session to the password it was opened with, so
/// that changing the password ends the user's other sessions (Django's
/// `get_session_auth_hash`).
///
/// The hash is Django 3.2's `salted_hmac` with SHA-256: HMAC-SHA-256 keyed with
/// SHA-256(salt + secret_key) over the user's encoded password hash, in lowercase hex.
/// warden uses Django's salt, so for the same SECRET_KEY and password hash both compute
/// the same value. Keyed with the server secret, a stored hash reveals nothing about
/// the password hash and cannot be forged from a leaked session table without the key.
#ifndef WARDEN_SESSION_AUTH_HASH_HPP
#define WARDEN_SESSION_AUTH_HASH_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/django_signing.hpp>

#include <string>
#include <string_view>

namespace warden::session {

/// The key salt of Django's `AbstractBaseUser.get_session_auth_hash`.
inline constexpr std::string_view auth_hash_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/// Computes and checks session auth hashes with one secret, keyed once.
///
/// Thread-safe (the HMAC keeps per-thread contexts); cheap to call per request.
///
/// @code
/// warden::session::auth_hasher h{settings.secret_key};
/// record.auth_hash = h.hash(user.password);              // at login
/// bool still_valid = h.matches(user.password, record.auth_hash);   // per request
/// @endcode
class auth_hasher {
public:
    /// Keys the hasher with `secret_key` (the app's `settings.secret_key`).
    /// @throws std::system_error if OpenSSL cannot set up the HMAC.
    explicit auth_hasher(std::string_view secret_key) : mac_(crypto::hash_algorithm::sha256, auth_hash_salt, secret_key) {}

    /// The auth hash of `password_hash` (a user's encoded password), 64 hex characters;
    /// empty if OpenSSL fails (which then matches nothing).
    std::string hash(std::string_view password_hash) const {
        crypto::django::mac_bytes mac;
        if (mac_.compute(password_hash, mac)) return {};
        return mac.hex();
    }

    /// Whether `stored` (from a session) is the auth hash of `password_hash`, compared
    /// in constant time. An empty `stored` never matches.
    bool matches(std::string_view password_hash, std::string_view stored) const {
        if (stored.empty()) return false;
        const std::string expected = hash(password_hash);
        return !expected.empty() && crypto::constant_time_equal(expected, stored);
    }

private:
    crypto::django::salted_mac mac_;   // Django's salted_hmac, key derived once
};

} // namespace warden::session

#endif
