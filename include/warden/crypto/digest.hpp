/// @file
/// SHA-256 and SHA-512 of a byte string into a fixed-size array, and lowercase hex.
///
/// Made for hot paths (hashing a presented API token before a store lookup): after a
/// thread's first call, hashing performs no heap allocation.
///
/// How: OpenSSL 3.0's EVP interface allocates the provider's context on every
/// `EVP_DigestInit_ex2`, even on a reused `EVP_MD_CTX` with a pre-fetched `EVP_MD`
/// (measured on 3.0.19: 1 allocation and ~125 ns per SHA-256 of 40 bytes; the one-shot
/// `EVP_Digest` makes 2 and `SHA256()` / `EVP_Q_digest` 3, ~510 ns). The low-level
/// `SHA256_Init`/`SHA512_Init` functions keep their state on the stack: 0 allocations,
/// ~63 ns. They are deprecated in OpenSSL 3 but present in every 3.x, so warden uses
/// them while they exist and falls back to the EVP path (a thread_local `EVP_MD_CTX`
/// with a process-wide pre-fetched `EVP_MD`, 1 allocation per call on 3.0) when the
/// deprecated API is compiled out (`OPENSSL_API_COMPAT` >= 3.0, OpenSSL 4) or when
/// `WARDEN_DIGEST_USE_EVP` is defined, e.g. to route hashing through a FIPS provider.
/// `digest_uses_evp` tells which path was compiled.
#ifndef WARDEN_CRYPTO_DIGEST_HPP
#define WARDEN_CRYPTO_DIGEST_HPP

#include <warden/crypto/detail/digest_impl.hpp>
#include <warden/crypto/error.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto {

/// The hash functions warden's primitives accept (PBKDF2 PRFs, digests).
enum class hash_algorithm {
    sha1,   ///< Only for verifying legacy `pbkdf2_sha1` password hashes.
    sha256,
    sha512,
};

/// Output size in bytes of `alg`.
constexpr std::size_t digest_size(hash_algorithm alg) noexcept {
    switch (alg) {
    case hash_algorithm::sha1: return 20;
    case hash_algorithm::sha256: return 32;
    case hash_algorithm::sha512: return 64;
    }
    return 0;
}

/// A SHA-256 digest (32 bytes).
using sha256_digest = std::array<unsigned char, 32>;
/// A SHA-512 digest (64 bytes).
using sha512_digest = std::array<unsigned char, 64>;

/// True when this build hashes through the EVP interface (see the file comment).
inline constexpr bool digest_uses_evp = detail::digest_uses_evp;

/// SHA-256 of `data` into `out`.
///
/// @param data bytes to hash, any length.
/// @param out receives the digest; unspecified on error.
/// @return `errc::openssl_failure` if OpenSSL fails (only possible on the EVP path,
///         e.g. out of memory); otherwise success.
/// @code
/// warden::crypto::sha256_digest d;
/// if (auto ec = warden::crypto::sha256(key, d)) return ec;
/// @endcode
inline std::error_code sha256(std::string_view data, sha256_digest& out) noexcept {
    if (!detail::digest_into(detail::digest_kind::sha256, data, out.data())) return errc::openssl_failure;
    return {};
}

/// SHA-512 of `data` into `out`; errors as for `sha256(data, out)`.
inline std::error_code sha512(std::string_view data, sha512_digest& out) noexcept {
    if (!detail::digest_into(detail::digest_kind::sha512, data, out.data())) return errc::openssl_failure;
    return {};
}

/// SHA-256 of `data`.
///
/// @throws std::system_error only if OpenSSL fails, which the default (low-level) path
///         cannot; use the `error_code` overload where no exception may escape.
/// @code
/// auto d = warden::crypto::sha256("abc");
/// assert(warden::crypto::to_hex(d) ==
///        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// @endcode
inline sha256_digest sha256(std::string_view data) {
    sha256_digest d;
    if (auto ec = sha256(data, d)) throw std::system_error(ec);
    return d;
}

/// SHA-512 of `data`; throws as `sha256(data)` does.
inline sha512_digest sha512(std::string_view data) {
    sha512_digest d;
    if (auto ec = sha512(data, d)) throw std::system_error(ec);
    return d;
}

/// Lowercase hexadecimal of a fixed-size byte array, without heap allocation.
///
/// @code
/// auto hex = warden::crypto::hex_array(warden::crypto::sha256(key));   // std::array<char, 64>
/// std::string_view text{hex.data(), hex.size()};
/// @endcode
template <std::size_t N>
constexpr std::array<char, 2 * N> hex_array(const std::array<unsigned char, N>& bytes) noexcept {
    std::array<char, 2 * N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        out[2 * i] = detail::hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = detail::hex_digits[bytes[i] & 0xf];
    }
    return out;
}

/// Lowercase hexadecimal of `bytes` (2 characters per byte).
///
/// @code
/// std::string column = warden::crypto::to_hex(warden::crypto::sha256(key));
/// @endcode
inline std::string to_hex(std::span<const unsigned char> bytes) {
    std::string out(bytes.size() * 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = detail::hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = detail::hex_digits[bytes[i] & 0xf];
    }
    return out;
}

/// Lowercase hexadecimal of the bytes of a string.
inline std::string to_hex(std::string_view bytes) {
    return to_hex(std::span<const unsigned char>{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
}

} // namespace warden::crypto

#endif
