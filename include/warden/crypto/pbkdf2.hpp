/// @file
/// PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA-1, HMAC-SHA-256 or HMAC-SHA-512, through
/// OpenSSL.
///
/// PBKDF2 is deliberately slow (Django's default of 1,000,000 SHA-256 iterations takes
/// a few hundred milliseconds): call it off the I/O threads.
#ifndef WARDEN_CRYPTO_PBKDF2_HPP
#define WARDEN_CRYPTO_PBKDF2_HPP

#include <warden/crypto/detail/evp_md.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>

#include <openssl/evp.h>

#include <climits>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

namespace warden::crypto {

/// The largest iteration count `pbkdf2_hmac` accepts (OpenSSL takes an `int`).
inline constexpr std::uint32_t pbkdf2_max_iterations = INT_MAX;

namespace detail {
inline thread_local std::uint64_t pbkdf2_iterations_run = 0;
} // namespace detail

/// The PBKDF2 iterations the calling thread has run so far, all calls together.
///
/// A work meter, not a clock: it lets a test prove that a failed login costs exactly the
/// hashing of a successful one (an unknown user, an unusable or weak hash) without timing
/// anything.
inline std::uint64_t pbkdf2_iterations_run() noexcept { return detail::pbkdf2_iterations_run; }

/// Derives `out.size()` bytes from `password` and `salt` with PBKDF2-HMAC-`prf`.
///
/// The password and salt are raw bytes (pass UTF-8 for text, as Django does). RFC 8018
/// allows empty passwords and salts, and so does this function; whether a salt is
/// acceptable is the caller's policy.
///
/// @param prf the HMAC hash function.
/// @param password the secret; never copied, logged or put in an error.
/// @param salt the salt.
/// @param iterations iteration count, 1 to `pbkdf2_max_iterations`.
/// @param out receives the derived key; its size (1 byte to INT_MAX) is the key length.
///        Unspecified on error.
/// @return `std::errc::invalid_argument` for an iteration count, key length or input
///         length out of range; `errc::openssl_failure` if OpenSSL fails.
/// @code
/// std::array<unsigned char, 32> dk;
/// if (auto ec = warden::crypto::pbkdf2_hmac(warden::crypto::hash_algorithm::sha256,
///                                          password, salt, 1'000'000, dk)) return ec;
/// @endcode
inline std::error_code pbkdf2_hmac(hash_algorithm prf, std::string_view password, std::string_view salt,
                                   std::uint32_t iterations, std::span<unsigned char> out) noexcept {
    if (iterations == 0 || iterations > pbkdf2_max_iterations || out.empty() || out.size() > INT_MAX ||
        password.size() > INT_MAX || salt.size() > INT_MAX)
        return std::make_error_code(std::errc::invalid_argument);
    const EVP_MD* md = detail::evp_md(prf);
    if (md == nullptr) return std::make_error_code(std::errc::invalid_argument);
    // PKCS5_PBKDF2_HMAC runs OpenSSL's KDF in PKCS#5 mode, without the SP 800-132 lower
    // bounds on salt and key length, which RFC 6070/7914 vectors and Django's one-iteration
    // hashes would trip. A null password pointer is fine when its length is 0.
    int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                               reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                               static_cast<int>(iterations), md, static_cast<int>(out.size()), out.data());
    if (ok != 1) return errc::openssl_failure;
    detail::pbkdf2_iterations_run += iterations;
    return {};
}

} // namespace warden::crypto

#endif
