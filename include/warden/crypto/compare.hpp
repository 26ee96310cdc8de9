/// @file
/// Constant-time comparison of secrets.
#ifndef WARDEN_CRYPTO_COMPARE_HPP
#define WARDEN_CRYPTO_COMPARE_HPP

#include <openssl/crypto.h>

#include <string_view>

namespace warden::crypto {

/// Compares two byte strings in time that depends only on their lengths.
///
/// Use it for every comparison that involves a secret (MACs, token digests, CSRF
/// secrets). Lengths are not secret in any of warden's uses (digests and MACs have a
/// fixed length), so a length mismatch returns early.
///
/// @code
/// if (!warden::crypto::constant_time_equal(expected_mac, given_mac)) return invalid;
/// @endcode
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace warden::crypto

#endif
