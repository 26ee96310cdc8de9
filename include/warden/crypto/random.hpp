/// @file
/// Secrets from OpenSSL's CSPRNG (RAND_bytes): raw bytes, hex and alphabet strings.
#ifndef WARDEN_CRYPTO_RANDOM_HPP
#define WARDEN_CRYPTO_RANDOM_HPP

#include <warden/crypto/error.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden::crypto {

/// Fills `out` from RAND_bytes. Returns `errc::random_failure` if OpenSSL cannot.
inline std::error_code random_bytes(std::span<unsigned char> out) noexcept {
    std::size_t done = 0;
    while (done < out.size()) {
        // RAND_bytes takes an int length; chunk so huge spans cannot overflow it.
        int chunk = static_cast<int>(std::min<std::size_t>(out.size() - done, 1u << 20));
        if (RAND_bytes(out.data() + done, chunk) != 1) return errc::random_failure;
        done += static_cast<std::size_t>(chunk);
    }
    return {};
}

/// A string of `length` characters drawn uniformly from `alphabet` (2 to 256 distinct
/// characters), by rejection sampling so no character is favoured, into `out`.
///
/// @return `errc::random_failure` if the CSPRNG fails (`out` unchanged); never a weak value.
/// @throws std::invalid_argument if the alphabet is too small or too large.
/// @code
/// std::string id;
/// if (auto ec = warden::crypto::random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789", id)) return ec;
/// @endcode
inline std::error_code random_string(std::size_t length, std::string_view alphabet, std::string& out) {
    if (alphabet.size() < 2 || alphabet.size() > 256)
        throw std::invalid_argument("random_string: alphabet must hold 2 to 256 characters");
    // Largest multiple of the alphabet size that fits in a byte: bytes at or above it
    // are rejected, which keeps the draw unbiased.
    const unsigned limit = 256u - (256u % static_cast<unsigned>(alphabet.size()));
    std::string drawn;
    drawn.reserve(length);
    unsigned char buf[64];
    while (drawn.size() < length) {
        if (auto ec = random_bytes(buf)) return ec;
        for (unsigned char b : buf) {
            if (b >= limit) continue;
            drawn.push_back(alphabet[b % alphabet.size()]);
            if (drawn.size() == length) break;
        }
    }
    out.assign(drawn.data(), drawn.size());   // a copy: GCC 12 at -O3 warns falsely on moving it in
    return {};
}

/// As above, returning the string.
/// @throws std::system_error if the CSPRNG fails; std::invalid_argument for a bad alphabet.
/// @code
/// auto session_id = warden::crypto::random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789");
/// @endcode
inline std::string random_string(std::size_t length, std::string_view alphabet) {
    std::string out;
    if (auto ec = random_string(length, alphabet, out)) throw std::system_error(ec);
    return out;
}

/// Sets `out` to `bytes` random bytes as 2*bytes lowercase hexadecimal characters (API
/// token keys, DRF's `Token.generate_key()` with 20); the bytes are wiped after use. A
/// CSPRNG failure leaves `out` unchanged.
inline std::error_code random_hex(std::size_t bytes, std::string& out) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex(bytes * 2, '\0');
    unsigned char buf[64];
    for (std::size_t done = 0; done < bytes;) {
        std::size_t n = std::min(bytes - done, sizeof buf);
        if (auto ec = random_bytes({buf, n})) {
            OPENSSL_cleanse(hex.data(), hex.size());
            return ec;
        }
        for (std::size_t i = 0; i < n; ++i) {
            hex[2 * (done + i)] = digits[buf[i] >> 4];
            hex[2 * (done + i) + 1] = digits[buf[i] & 0xf];
        }
        done += n;
    }
    OPENSSL_cleanse(buf, sizeof buf);
    out = std::move(hex);
    return {};
}

/// As above, returning the string.
/// @throws std::system_error if the CSPRNG fails.
inline std::string random_hex(std::size_t bytes) {
    std::string out;
    if (auto ec = random_hex(bytes, out)) throw std::system_error(ec);
    return out;
}

} // namespace warden::crypto

#endif
