/// @file
/// Django-compatible password hashing: PBKDF2-HMAC-SHA256 in Django's encoded form
/// `pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>`.
///
/// Hashes made by Django (`pbkdf2_sha256`, and the legacy `pbkdf2_sha1`) verify here and
/// hashes made here verify in Django, so a user table can move between the two. New
/// hashes use 1,000,000 iterations (Django 5.2's count) and a 22-character salt drawn
/// from the CSPRNG over Django's alphabet [a-zA-Z0-9] (131 bits).
///
/// Timing: a wrong password, an unusable or unreadable stored hash, and an unknown user
/// (`simulate_password_check`) all cost one PBKDF2 run at the current iteration count,
/// as in Django's `check_password`, so response time does not tell which case occurred.
///
/// Passwords are never copied into results, errors or logs.
///
/// @code
/// using namespace warden::crypto;
/// std::string stored;
/// if (auto ec = make_password(new_password, stored)) return ec;         // at sign-up
///
/// auto check = user ? check_password(given, user->password_hash)          // at login
///                   : simulate_password_check();                          // unknown user
/// if (!check.valid) return invalid_credentials;
/// if (check.must_update) make_password(given, user->password_hash);      // re-hash
/// @endcode
#ifndef WARDEN_CRYPTO_PASSWORD_HPP
#define WARDEN_CRYPTO_PASSWORD_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/password_format.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/pbkdf2.hpp>
#include <warden/crypto/random.hpp>

#include <openssl/crypto.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto {

/// Iteration count of new hashes (Django 5.2's PBKDF2PasswordHasher.iterations).
inline constexpr std::uint32_t default_password_iterations = 1'000'000;

/// Stored hashes with more iterations than this never verify. Django has no ceiling;
/// warden has one so that a corrupted or planted row cannot pin a worker for minutes
/// per login attempt.
inline constexpr std::uint32_t default_max_password_iterations = 20'000'000;

/// Django's RANDOM_STRING_CHARS, the alphabet of generated salts.
inline constexpr std::string_view password_salt_chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Length of generated salts: ceil(128 / log2(62)), Django's salt_entropy of 128 bits.
inline constexpr std::size_t password_salt_length = 22;

/// Prefix of Django's unusable passwords (`set_unusable_password`); such a hash never verifies.
inline constexpr char unusable_password_prefix = '!';

/// The PBKDF2 variants of Django's encoded form, named by their algorithm field.
enum class password_algorithm {
    pbkdf2_sha256, ///< `pbkdf2_sha256$...`: the one new hashes use.
    pbkdf2_sha1,   ///< `pbkdf2_sha1$...`: verified for migrated users, then upgraded.
};

/// The work factor and limits of password hashing; tests lower `iterations` for speed.
struct password_policy {
    /// Iterations of new hashes and of the dummy run for unknown users; stored hashes
    /// with fewer iterations are reported as `must_update`.
    std::uint32_t iterations = default_password_iterations;
    /// Stored hashes with more iterations than this never verify.
    std::uint32_t max_iterations = default_max_password_iterations;
};

/// The outcome of `check_password`.
struct password_check {
    /// The password matches the stored hash.
    bool valid = false;
    /// Only meaningful when `valid`: the stored hash is weaker than the policy (another
    /// algorithm, fewer iterations, or a salt under 128 bits as Django's
    /// `must_update_salt` judges it), so the caller should store `make_password(password)`.
    bool must_update = false;

    explicit operator bool() const noexcept { return valid; }
};

/// Encodes `password` with an explicit salt, exactly as Django's `hasher.encode`.
///
/// @param password the password (UTF-8 bytes).
/// @param salt non-empty, without `$`; Django's generated salts are [a-zA-Z0-9].
/// @param iterations 1 to `pbkdf2_max_iterations`.
/// @param out receives `pbkdf2_sha256$<iterations>$<salt>$<base64>` (or `pbkdf2_sha1$...`).
/// @param algorithm the variant to produce.
/// @return `std::errc::invalid_argument` for an empty salt, a salt containing `$`, or
///         an iteration count out of range (the message never contains the input);
///         `errc::openssl_failure` if PBKDF2 fails.
/// @code
/// std::string encoded;
/// warden::crypto::encode_password("lètmein", "seasalt", 390000, encoded);
/// // encoded == "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="
/// @endcode
inline std::error_code encode_password(std::string_view password, std::string_view salt, std::uint32_t iterations,
                                       std::string& out,
                                       password_algorithm algorithm = password_algorithm::pbkdf2_sha256) {
    if (salt.empty() || salt.find('$') != std::string_view::npos || iterations == 0 ||
        iterations > pbkdf2_max_iterations)
        return std::make_error_code(std::errc::invalid_argument);
    const hash_algorithm prf = detail::password_prf(algorithm == password_algorithm::pbkdf2_sha1);
    std::array<unsigned char, 32> dk{};
    const std::span<unsigned char> key{dk.data(), digest_size(prf)};
    if (auto ec = pbkdf2_hmac(prf, password, salt, iterations, key)) return ec;
    std::string encoded{detail::password_algorithm_name(algorithm == password_algorithm::pbkdf2_sha1)};
    encoded.push_back('$');
    encoded.append(std::to_string(iterations));
    encoded.push_back('$');
    encoded.append(salt);
    encoded.push_back('$');
    encoded.append(base64_encode({reinterpret_cast<const char*>(key.data()), key.size()}));
    OPENSSL_cleanse(dk.data(), dk.size());
    out = std::move(encoded);
    return {};
}

/// A fresh salt: `password_salt_length` characters of `password_salt_chars` from the CSPRNG.
/// @throws std::system_error if the CSPRNG fails.
inline std::string make_password_salt() { return random_string(password_salt_length, password_salt_chars); }

/// Hashes `password` for storage: PBKDF2-SHA256, `policy.iterations`, a fresh salt.
///
/// @param password the password (UTF-8 bytes). Django accepts any string, including
///        the empty one; length and content rules belong to the caller's validators.
/// @param out receives the encoded hash.
/// @return `errc::random_failure` if the CSPRNG fails; as `encode_password` otherwise.
/// @code
/// std::string stored;
/// if (auto ec = warden::crypto::make_password(password, stored)) return ec;
/// @endcode
inline std::error_code make_password(std::string_view password, std::string& out,
                                     const password_policy& policy = {}) {
    std::string salt;
    if (auto ec = random_string(password_salt_length, password_salt_chars, salt)) return ec;
    return encode_password(password, salt, policy.iterations, out);
}

/// Whether `encoded` can ever verify: false for Django's unusable passwords (`!...`).
inline bool is_password_usable(std::string_view encoded) noexcept {
    return encoded.empty() || encoded.front() != unusable_password_prefix;
}

/// An unusable password as Django's `make_password(None)` makes it: `!` and 40 random
/// characters. Store it for accounts that must not log in with a password.
/// @throws std::system_error if the CSPRNG fails.
inline std::string make_unusable_password() {
    return unusable_password_prefix + random_string(40, password_salt_chars);
}

/// Spends the time of one password check (a PBKDF2-SHA256 run at `policy.iterations`)
/// and reports failure: call it for an unknown user so that answering costs the same
/// as a wrong password. Django's `check_password` does the same for unusable hashes.
///
/// @code
/// if (!user) return warden::crypto::simulate_password_check(policy);   // .valid == false
/// @endcode
inline password_check simulate_password_check(const password_policy& policy = {}) noexcept {
    std::array<unsigned char, 32> dk{};
    // The inputs do not matter, only the work: constant ones avoid a CSPRNG failure path.
    (void)pbkdf2_hmac(hash_algorithm::sha256, "warden-dummy-password", "warden-dummy-salt-0000",
                      policy.iterations == 0 ? 1 : policy.iterations, dk);
    return {};
}

/// Checks `password` against a stored Django-encoded hash.
///
/// Recognises `pbkdf2_sha256` and `pbkdf2_sha1`. Compares the derived key with the
/// stored one in constant time. Never verifies: unusable passwords (`!...`), empty or
/// unknown formats, a non-canonical iteration count or base64, an empty salt, a key of
/// the wrong length, more than `policy.max_iterations` iterations. Each of those, and a
/// wrong password, costs at least one PBKDF2 run at `policy.iterations`: a wrong
/// password on a hash with fewer iterations runs the difference on top, as Django's
/// `harden_runtime` does, so a stored iteration count cannot be timed.
///
/// @param password the presented password (UTF-8 bytes).
/// @param encoded the stored hash.
/// @param policy current iterations (for `must_update` and timing) and limits.
/// @return `valid` and, if valid, whether the hash `must_update`. An OpenSSL failure
///         counts as a mismatch.
/// @code
/// auto check = warden::crypto::check_password(given, stored);
/// if (check && check.must_update) warden::crypto::make_password(given, stored);
/// @endcode
inline password_check check_password(std::string_view password, std::string_view encoded,
                                     const password_policy& policy = {}) {
    detail::parsed_password_hash h;
    if (!is_password_usable(encoded) || !detail::parse_password_hash(encoded, policy.max_iterations, h))
        return simulate_password_check(policy);
    const hash_algorithm prf = detail::password_prf(h.sha1);
    const std::size_t n = digest_size(prf);
    std::string stored_key;
    const bool key_ok = !base64_decode(h.hash, stored_key) && stored_key.size() == n;

    std::array<unsigned char, 32> dk{};
    const std::span<unsigned char> key{dk.data(), n};
    const bool derived = !pbkdf2_hmac(prf, password, h.salt, h.iterations, key);
    const bool valid = derived && key_ok &&
                       constant_time_equal({reinterpret_cast<const char*>(dk.data()), n}, stored_key);
    OPENSSL_cleanse(dk.data(), dk.size());
    if (!stored_key.empty()) OPENSSL_cleanse(stored_key.data(), stored_key.size());

    const bool algorithm_changed = h.sha1;
    const bool fewer_iterations = h.iterations < policy.iterations;
    const bool short_salt = h.salt.size() < password_salt_length;
    if (!valid) {
        // Django's harden_runtime: top the work up to the current count.
        if (!algorithm_changed && fewer_iterations)
            (void)pbkdf2_hmac(prf, password, h.salt, policy.iterations - h.iterations, key);
        OPENSSL_cleanse(dk.data(), dk.size());
        return {};
    }
    return {true, algorithm_changed || fewer_iterations || short_salt};
}

} // namespace warden::crypto

#endif
