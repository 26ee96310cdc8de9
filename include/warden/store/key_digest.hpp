/// @file
/// `token::key_digest`: what a store keeps of an API token key, its SHA-256 (32 bytes),
/// never the key. Declared here, without OpenSSL, so that store records and backends
/// need nothing from token/; keys are made and hashed in warden/token/key.hpp.
#ifndef WARDEN_STORE_KEY_DIGEST_HPP
#define WARDEN_STORE_KEY_DIGEST_HPP

#include <array>
#include <cstddef>
#include <tuple>

namespace warden::token {

/// What the store keeps for a key: its SHA-256.
using key_digest = std::array<unsigned char, 32>;

/// Characters in the hex form of a `key_digest`.
inline constexpr std::size_t key_digest_hex_length = 2 * std::tuple_size_v<key_digest>;

} // namespace warden::token

#endif
