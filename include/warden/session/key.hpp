/// @file
/// Session ids: 32 characters of [a-z0-9] from the CSPRNG, as Django's
/// `_get_new_session_key` draws them, and the check that a presented id has that shape.
///
/// An id is a bearer credential: whoever holds it is logged in. warden draws ids from
/// OpenSSL's RAND_bytes only (crypto/random.hpp), about 165 bits each, and never adopts
/// an id the client chose: `warden::session::login` always issues one the store has
/// never seen (see login.hpp).
#ifndef WARDEN_SESSION_KEY_HPP
#define WARDEN_SESSION_KEY_HPP

#include <warden/crypto/digest.hpp>
#include <warden/crypto/random.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::session {

/// Characters in a session id (Django's session keys are 32 too).
inline constexpr std::size_t key_length = 32;
/// The alphabet of session ids (Django's VALID_KEY_CHARS).
inline constexpr std::string_view key_chars = "abcdefghijklmnopqrstuvwxyz0123456789";

/// Whether `key` has the shape of an id warden issues: exactly 32 characters of
/// [a-z0-9]. Anything else cannot name a stored session and is refused before any
/// store lookup.
///
/// @code
/// if (!warden::session::is_valid_key(req.cookie("sessionid"))) { /* anonymous */ }
/// @endcode
constexpr bool is_valid_key(std::string_view key) noexcept {
    if (key.size() != key_length) return false;
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

/// A new session id from the CSPRNG.
/// @param out receives the id; unchanged on failure.
/// @return `crypto::errc::random_failure` if the CSPRNG fails.
/// @code
/// std::string key;
/// if (auto ec = warden::session::new_key(key)) return ec;
/// @endcode
inline std::error_code new_key(std::string& out) { return crypto::random_string(key_length, key_chars, out); }

/// A new session id (throwing form). @throws std::system_error if the CSPRNG fails.
inline std::string new_key() { return crypto::random_string(key_length, key_chars); }

/// A short public name for a session, for `auth_info::credential_id` and logs: the
/// first 16 hex digits of SHA-256 of the id. It identifies a session without revealing
/// the id.
///
/// @code
/// log << "session " << warden::session::key_fingerprint(key);
/// @endcode
inline std::string key_fingerprint(std::string_view key) {
    crypto::sha256_digest d{};
    if (crypto::sha256(key, d)) return {};
    const auto hex = crypto::hex_array(d);
    return std::string(hex.data(), 16);
}

} // namespace warden::session

#endif
