/// @file
/// DRF-compatible API token keys, stored as SHA-256 digests.
///
/// A key looks like DRF's `Token.generate_key()`: 40 lowercase hexadecimal characters
/// (20 bytes from OpenSSL's RAND_bytes). Unlike DRF, warden never stores the key: the
/// store holds `digest_key(key)` (SHA-256 of the key's ASCII text), finds a token by
/// the digest of the presented key and confirms with a constant-time compare. A
/// leaked database therefore holds no usable credential, as with django-rest-knox
/// (which stores a SHA-512 hex digest); SHA-256 suffices because the key carries 160
/// random bits, so neither salting nor a slow hash adds anything.
///
/// The consequence: a key is shown once, when it is made; it cannot be read back.
///
/// @code
/// std::string key;
/// if (auto ec = warden::token::generate_key(key)) return ec;
/// store.add_token({.digest = warden::token::digest_key(key), .user_id = u.id, .created = now});   // the digest only
/// send_to_client(key);                                                                            // the key leaves once
///
/// // later, per request (what token_auth does):
/// if (!warden::token::is_well_formed_key(presented)) return invalid_token;   // "Invalid token."
/// auto digest = warden::token::digest_key(presented);
/// auto found = store.find_token(digest);
/// if (!found || !warden::token::digests_match(digest, found->token.digest)) return invalid_token;
/// @endcode
///
/// `warden::token::issue` (token/tokens.hpp) does the first half with the settings'
/// lifetime and per-user limit.
#ifndef WARDEN_TOKEN_KEY_HPP
#define WARDEN_TOKEN_KEY_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/random.hpp>
#include <warden/store/key_digest.hpp>

#include <openssl/crypto.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace warden::token {

/// Random bytes in a key (DRF: `os.urandom(20)`).
inline constexpr std::size_t key_bytes = 20;

/// Characters in a key: hexadecimal of `key_bytes`.
inline constexpr std::size_t key_length = 2 * key_bytes;

// key_digest (what the store keeps) is declared in store/key_digest.hpp, without OpenSSL.
static_assert(std::is_same_v<key_digest, crypto::sha256_digest>, "a key's digest is its SHA-256");

/// Makes a new key: 40 lowercase hex characters from RAND_bytes.
///
/// @param out receives the key.
/// @return `crypto::errc::random_failure` if the CSPRNG fails (then `out` is unchanged).
/// @code
/// std::string key;
/// if (auto ec = warden::token::generate_key(key)) return ec;
/// @endcode
inline std::error_code generate_key(std::string& out) { return crypto::random_hex(key_bytes, out); }

/// Makes a new key (throwing form, for tools and tests).
/// @throws std::system_error if the CSPRNG fails.
inline std::string generate_key() {
    std::string key;
    if (auto ec = generate_key(key)) throw std::system_error(ec);
    return key;
}

/// Whether `presented` has the shape of a key warden issues: exactly 40 characters of
/// [0-9a-f].
///
/// DRF accepts any string without spaces at this point and answers "Invalid token."
/// when no row matches; warden looks up only well-formed keys and gives the same
/// answer for the others, so the check changes no response, only saves a lookup.
///
/// @code
/// static_assert(!warden::token::is_well_formed_key("not-a-key"));
/// @endcode
constexpr bool is_well_formed_key(std::string_view presented) noexcept {
    if (presented.size() != key_length) return false;
    // Every byte checked without a branch per byte: OR together the bytes that are not
    // lowercase hex digits (speed only; the key is the client's own input).
    unsigned bad = 0;
    for (char c : presented) {
        const auto u = static_cast<unsigned char>(c);
        bad |= static_cast<unsigned>(static_cast<unsigned char>(u - '0') > 9) & static_cast<unsigned>(static_cast<unsigned char>(u - 'a') > 5);
    }
    return bad == 0;
}

/// The digest stored for `key`: SHA-256 of its bytes. No heap allocation.
///
/// @code
/// auto d = warden::token::digest_key(key);   // std::array<unsigned char, 32>
/// @endcode
inline key_digest digest_key(std::string_view key) noexcept {
    key_digest d{};
    // Fails only on the EVP path under memory exhaustion; an all-zero digest then
    // matches no stored row (a real digest is zero with probability 2^-256).
    if (crypto::sha256(key, d)) d.fill(0);
    return d;
}

/// The digest of `key` as 64 lowercase hex characters, for stores with text columns.
/// No heap allocation.
///
/// @code
/// auto hex = warden::token::digest_key_hex(key);
/// std::string_view column{hex.data(), hex.size()};
/// @endcode
inline std::array<char, key_digest_hex_length> digest_key_hex(std::string_view key) noexcept {
    return crypto::hex_array(digest_key(key));
}

/// Whether two digests are equal, compared in constant time: for a caller that already
/// hashed the presented key (to look it up) and must not hash it again.
///
/// @code
/// auto d = warden::token::digest_key(key);
/// auto row = store.find_token(d);
/// if (!row || !warden::token::digests_match(d, row->token.digest)) return invalid_token;
/// @endcode
inline bool digests_match(const key_digest& a, const key_digest& b) noexcept {
    return crypto::constant_time_equal({reinterpret_cast<const char*>(a.data()), a.size()},
                                       {reinterpret_cast<const char*>(b.data()), b.size()});
}

/// Whether `presented` is the key whose digest is `stored`, compared in constant time.
///
/// @code
/// if (!warden::token::key_matches(presented, row.digest)) return invalid_token;
/// @endcode
inline bool key_matches(std::string_view presented, const key_digest& stored) noexcept {
    return digests_match(digest_key(presented), stored);
}

} // namespace warden::token

#endif
