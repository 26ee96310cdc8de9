/// @file
/// Django's password hashers, verified and produced: `pbkdf2_sha256` (Django's
/// default), `pbkdf2_sha1`, `argon2` (Debian's libargon2) and `bcrypt_sha256` (bcrypt
/// from libxcrypt), in Django's encoded forms.
///
/// Hashes made by Django verify here and hashes made here verify in Django, so a user
/// table can be shared with a Django site. The `password_policy` (see
/// `warden/crypto/password_policy.hpp`) names the preferred hasher and its work factor:
/// by default PBKDF2-SHA256 with 1,000,000 iterations (Django 5.2), or the counts of
/// another Django release through `password_policy::for_django`. New PBKDF2 and Argon2
/// salts are 22 characters drawn from the CSPRNG over Django's alphabet [a-zA-Z0-9]
/// (131 bits); bcrypt salts are 16 random bytes, as Python's bcrypt makes them.
///
/// `check_password` reports `must_update` exactly where Django's `check_password` would
/// re-hash: a hasher other than the policy's, another iteration count, Argon2 parameters
/// or bcrypt rounds, or a PBKDF2/Argon2 salt under 128 bits.
///
/// Timing: a wrong password, an unusable, unknown or unreadable stored hash, and an
/// unknown user (`simulate_password_check`) all cost at least one hash with the
/// preferred hasher at the policy's work factor, as in Django's `check_password`; a wrong
/// password on a weaker hash of the preferred algorithm runs the difference on top
/// (Django's `harden_runtime`, for PBKDF2 and bcrypt).
///
/// Limits: stored hashes whose work factor is above the policy's ceilings never verify
/// (`errc::password_work_factor_limit`), so a planted row cannot pin a worker.
///
/// Passwords are never copied into results, errors or logs. Every function here is slow
/// by design (up to a second): call them off the I/O threads.
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

#include <warden/crypto/detail/argon2_hasher.hpp>
#include <warden/crypto/detail/bcrypt_hasher.hpp>
#include <warden/crypto/detail/password_format.hpp>
#include <warden/crypto/detail/pbkdf2_hasher.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/password_policy.hpp>
#include <warden/crypto/random.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto {

/// Encodes `password` with PBKDF2 and an explicit salt, exactly as Django's `hasher.encode`.
///
/// @param password the password (UTF-8 bytes).
/// @param salt non-empty, without `$`; Django's generated salts are [a-zA-Z0-9].
/// @param iterations 1 to `pbkdf2_max_iterations`.
/// @param out receives `pbkdf2_sha256$<iterations>$<salt>$<base64>` (or `pbkdf2_sha1$...`).
/// @param algorithm `pbkdf2_sha256` or `pbkdf2_sha1`.
/// @return `std::errc::invalid_argument` for an empty salt, a salt containing `$`, an
///         iteration count out of range or another algorithm (the message never
///         contains the input); `errc::openssl_failure` if PBKDF2 fails.
/// @code
/// std::string encoded;
/// warden::crypto::encode_password("lètmein", "seasalt", 390000, encoded);
/// // encoded == "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="
/// @endcode
inline std::error_code encode_password(std::string_view password, std::string_view salt, std::uint32_t iterations,
                                       std::string& out,
                                       password_algorithm algorithm = password_algorithm::pbkdf2_sha256) {
    if (algorithm != password_algorithm::pbkdf2_sha256 && algorithm != password_algorithm::pbkdf2_sha1)
        return std::make_error_code(std::errc::invalid_argument);
    return detail::pbkdf2_hasher::encode(password, salt, iterations, algorithm == password_algorithm::pbkdf2_sha1,
                                         out);
}

/// Encodes `password` with Argon2 and an explicit salt, exactly as Django's
/// `Argon2PasswordHasher.encode` (argon2-cffi's `hash_secret`).
///
/// @param salt 8 to 1024 bytes; Django's are 22 characters of [a-zA-Z0-9].
/// @param params variant, version (16 or 19), time cost >= 1, parallelism >= 1, memory
///        cost >= 8 x parallelism (KiB), hash length 4 to 1024.
/// @param out receives `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>`.
/// @return `std::errc::invalid_argument` for parameters libargon2 refuses;
///         `errc::password_hash_failure` if libargon2 fails (out of memory).
/// @code
/// std::string encoded;
/// warden::crypto::encode_argon2_password("lètmein", "seasaltseasalt", {.memory_cost = 1024}, encoded);
/// @endcode
inline std::error_code encode_argon2_password(std::string_view password, std::string_view salt,
                                              const argon2_params& params, std::string& out) {
    return detail::argon2_hasher::encode(password, salt, params, out);
}

/// Encodes `password` as Django's `BCryptSHA256PasswordHasher`: bcrypt (`$2b$`) of the
/// lowercase hex SHA-256 of the password, with an explicit salt.
///
/// @param salt 22 characters of bcrypt's alphabet [./A-Za-z0-9] (the part of
///        `bcrypt.gensalt()` after `$2b$12$`).
/// @param rounds 4 to 31 (log2 of the cost; Django uses 12).
/// @param out receives `bcrypt_sha256$$2b$<rounds>$<salt><hash>`.
/// @return `std::errc::invalid_argument` for a bad salt or round count;
///         `errc::password_hash_failure` if libcrypt fails.
/// @code
/// std::string encoded;
/// warden::crypto::encode_bcrypt_sha256_password("lètmein", "9GxYc5Lb8gR0mJ2vV1sTEu", 12, encoded);
/// @endcode
inline std::error_code encode_bcrypt_sha256_password(std::string_view password, std::string_view salt,
                                                     std::uint32_t rounds, std::string& out) {
    return detail::bcrypt_hasher::encode(password, salt, rounds, out);
}

/// A fresh PBKDF2/Argon2 salt: `password_salt_length` characters of
/// `password_salt_chars` from the CSPRNG.
/// @throws std::system_error if the CSPRNG fails.
inline std::string make_password_salt() { return random_string(password_salt_length, password_salt_chars); }

/// Hashes `password` for storage with the policy's hasher and work factor and a fresh salt.
///
/// @param password the password (UTF-8 bytes). Django accepts any string, including
///        the empty one; length and content rules belong to the caller's validators.
/// @param out receives the encoded hash.
/// @param policy the hasher (`algorithm`) and its parameters.
/// @return `std::errc::invalid_argument` when the policy's work factor is out of range or
///         above its own ceiling (such a hash could never verify); `errc::random_failure`
///         if the CSPRNG fails; as the `encode_*` functions otherwise.
/// @code
/// std::string stored;
/// if (auto ec = warden::crypto::make_password(password, stored)) return ec;
/// @endcode
inline std::error_code make_password(std::string_view password, std::string& out,
                                     const password_policy& policy = {}) {
    std::string salt;
    switch (policy.algorithm) {
    case password_algorithm::pbkdf2_sha256:
    case password_algorithm::pbkdf2_sha1:
        if (policy.iterations > policy.max_iterations) return std::make_error_code(std::errc::invalid_argument);
        if (auto ec = random_string(password_salt_length, password_salt_chars, salt)) return ec;
        return encode_password(password, salt, policy.iterations, out, policy.algorithm);
    case password_algorithm::argon2:
        if (policy.argon2.memory_cost > policy.max_argon2_memory_cost ||
            policy.argon2.time_cost > policy.max_argon2_time_cost ||
            policy.argon2.parallelism > policy.max_argon2_parallelism)
            return std::make_error_code(std::errc::invalid_argument);
        if (auto ec = random_string(password_salt_length, password_salt_chars, salt)) return ec;
        return encode_argon2_password(password, salt, policy.argon2, out);
    case password_algorithm::bcrypt_sha256:
        if (policy.bcrypt_rounds > policy.max_bcrypt_rounds || policy.bcrypt_rounds < detail::bcrypt_hasher::min_rounds ||
            policy.bcrypt_rounds > detail::bcrypt_hasher::max_rounds)
            return std::make_error_code(std::errc::invalid_argument);
        if (auto ec = detail::bcrypt_hasher::make_salt(policy.bcrypt_rounds, salt)) return ec;
        return encode_bcrypt_sha256_password(password, salt, policy.bcrypt_rounds, out);
    }
    return std::make_error_code(std::errc::invalid_argument);
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

/// The hasher that made `encoded` (the text before its first `$`), or nothing for an
/// unusable password or an algorithm warden does not implement.
/// @code
/// if (warden::crypto::identify_password_algorithm(row.password) != warden::crypto::password_algorithm::argon2) ...
/// @endcode
inline std::optional<password_algorithm> identify_password_algorithm(std::string_view encoded) noexcept {
    return detail::identify_password_algorithm(encoded);
}

/// Spends the time of one password check (one hash with the policy's hasher and work
/// factor) and reports failure: call it for an unknown user so that answering costs the
/// same as a wrong password. Django's `check_password` does the same for unusable hashes.
///
/// @code
/// if (!user) return warden::crypto::simulate_password_check(policy);   // .valid == false
/// @endcode
inline password_check simulate_password_check(const password_policy& policy = {}) noexcept {
    switch (policy.algorithm) {
    case password_algorithm::pbkdf2_sha256:
    case password_algorithm::pbkdf2_sha1: detail::pbkdf2_hasher::simulate(policy); break;
    case password_algorithm::argon2: detail::argon2_hasher::simulate(policy); break;
    case password_algorithm::bcrypt_sha256: detail::bcrypt_hasher::simulate(policy); break;
    }
    return {};
}

namespace detail {

// Django's check_password once the hasher is known: verify, judge must_update against
// the preferred hasher, and harden a failed check only when the algorithm is the
// preferred one (Django does not protect against enumeration across hashers either).
template <class Hasher>
password_check check_with(std::string_view password, std::string_view encoded, const password_policy& policy,
                          bool hasher_changed) {
    typename Hasher::parsed h;
    if (auto ec = Hasher::parse(encoded, policy, h)) {
        simulate_password_check(policy);
        return {false, false, ec};
    }
    std::error_code ec;
    const bool valid = Hasher::verify(password, h, ec);
    const bool must_update = hasher_changed || Hasher::must_update(h, policy);
    if (!valid) {
        if (!hasher_changed && must_update) Hasher::harden(password, h, policy);
        return {false, false, ec};
    }
    return {true, must_update, {}};
}

} // namespace detail

/// Checks `password` against a stored Django-encoded hash.
///
/// Recognises `pbkdf2_sha256`, `pbkdf2_sha1`, `argon2` (argon2id, argon2i and argon2d,
/// versions 19 and 16) and `bcrypt_sha256` (`$2b$`, `$2a$`, `$2y$`), and compares in
/// constant time. Never verifies, with `error` set: unusable passwords (`!...`),
/// unknown algorithms, stored values that are not in the canonical form (canonical
/// decimals, canonical base64, field counts and sizes), work factors above the
/// policy's ceilings. Each of those, and a wrong password, costs at least one hash with
/// the policy's hasher (see the file comment).
///
/// @param password the presented password (UTF-8 bytes).
/// @param encoded the stored hash.
/// @param policy the preferred hasher and work factors (for `must_update` and timing)
///        and the ceilings.
/// @return `valid`, `must_update` (if valid) and `error`. Throws only `std::bad_alloc`.
/// @code
/// auto check = warden::crypto::check_password(given, stored, policy);
/// if (check && check.must_update) warden::crypto::make_password(given, stored, policy);
/// @endcode
inline password_check check_password(std::string_view password, std::string_view encoded,
                                     const password_policy& policy = {}) {
    if (!is_password_usable(encoded)) {
        simulate_password_check(policy);
        return {false, false, errc::unusable_password};
    }
    const auto algorithm = identify_password_algorithm(encoded);
    if (!algorithm) {
        simulate_password_check(policy);
        return {false, false, errc::unknown_password_algorithm};
    }
    const bool changed = *algorithm != policy.algorithm;
    switch (*algorithm) {
    case password_algorithm::pbkdf2_sha256:
    case password_algorithm::pbkdf2_sha1: return detail::check_with<detail::pbkdf2_hasher>(password, encoded, policy, changed);
    case password_algorithm::argon2: return detail::check_with<detail::argon2_hasher>(password, encoded, policy, changed);
    case password_algorithm::bcrypt_sha256:
        return detail::check_with<detail::bcrypt_hasher>(password, encoded, policy, changed);
    }
    return {false, false, errc::unknown_password_algorithm};
}

} // namespace warden::crypto

#endif
