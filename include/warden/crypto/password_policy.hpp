/// @file
/// The parameters of Django-compatible password hashing (`warden/crypto/password.hpp`):
/// which of Django's hashers makes new hashes, their work factors per Django release,
/// and the ceilings that keep a planted or corrupted hash from pinning a worker.
///
/// @code
/// using namespace warden::crypto;
/// auto policy = password_policy::for_django(django_version::v4_2);   // pbkdf2_sha256, 600,000
/// password_policy argon{.algorithm = password_algorithm::argon2};    // Django's Argon2 parameters
/// @endcode
#ifndef WARDEN_CRYPTO_PASSWORD_POLICY_HPP
#define WARDEN_CRYPTO_PASSWORD_POLICY_HPP

#include <warden/crypto/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace warden::crypto {

/// Iteration count of new PBKDF2 hashes by default (Django 5.2's PBKDF2PasswordHasher.iterations).
inline constexpr std::uint32_t default_password_iterations = 1'000'000;

/// Stored PBKDF2 hashes with more iterations than this never verify by default. Django
/// has no ceiling; warden has one so that a corrupted or planted row cannot pin a worker
/// for minutes per login attempt.
inline constexpr std::uint32_t default_max_password_iterations = 20'000'000;

/// Django's RANDOM_STRING_CHARS, the alphabet of generated PBKDF2 and Argon2 salts.
inline constexpr std::string_view password_salt_chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Length of generated salts: ceil(128 / log2(62)), Django's salt_entropy of 128 bits.
/// Stored PBKDF2 and Argon2 salts shorter than this are reported as `must_update`
/// (Django's `must_update_salt`).
inline constexpr std::size_t password_salt_length = 22;

/// Prefix of Django's unusable passwords (`set_unusable_password`); such a hash never verifies.
inline constexpr char unusable_password_prefix = '!';

/// Django's hashers, named by the algorithm field of their encoded form.
enum class password_algorithm {
    pbkdf2_sha256, ///< `pbkdf2_sha256$<iterations>$<salt>$<base64>`: Django's default.
    pbkdf2_sha1,   ///< `pbkdf2_sha1$...`: the same with HMAC-SHA-1.
    argon2,        ///< `argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>` (libargon2).
    bcrypt_sha256, ///< `bcrypt_sha256$$2b$12$...`: bcrypt of the hex SHA-256 of the password (libcrypt).
};

/// The algorithm field of `a`'s encoded form (`"pbkdf2_sha256"`, ..., `"bcrypt_sha256"`).
constexpr std::string_view password_algorithm_name(password_algorithm a) noexcept {
    switch (a) {
    case password_algorithm::pbkdf2_sha256: return "pbkdf2_sha256";
    case password_algorithm::pbkdf2_sha1: return "pbkdf2_sha1";
    case password_algorithm::argon2: return "argon2";
    case password_algorithm::bcrypt_sha256: return "bcrypt_sha256";
    }
    return {};
}

/// Django releases whose password defaults differ: only the PBKDF2 iteration count
/// changed from 3.2 to 5.2 (Argon2 and bcrypt parameters stayed the same).
enum class django_version { v3_2, v4_0, v4_1, v4_2, v5_0, v5_1, v5_2 };

/// `PBKDF2PasswordHasher.iterations` of a Django release (from its release notes):
/// 260,000 (3.2), 320,000 (4.0), 390,000 (4.1), 600,000 (4.2), 720,000 (5.0),
/// 870,000 (5.1), 1,000,000 (5.2).
constexpr std::uint32_t django_pbkdf2_iterations(django_version v) noexcept {
    switch (v) {
    case django_version::v3_2: return 260'000;
    case django_version::v4_0: return 320'000;
    case django_version::v4_1: return 390'000;
    case django_version::v4_2: return 600'000;
    case django_version::v5_0: return 720'000;
    case django_version::v5_1: return 870'000;
    case django_version::v5_2: return 1'000'000;
    }
    return default_password_iterations;
}

/// The Argon2 variants (the `$argon2id$` field).
enum class argon2_variant { argon2d, argon2i, argon2id };

/// Argon2 parameters. The defaults are Django's `Argon2PasswordHasher` (3.2 to 5.x)
/// with Debian 12's argon2-cffi 21.1: Argon2id, version 19, time cost 2, 100 MiB,
/// parallelism 8, 16-byte hashes. `hash_length` is argon2-cffi's DEFAULT_HASH_LENGTH,
/// not Django's: set it to what the Django side's argon2-cffi uses, since Django
/// re-hashes a password whose hash length differs.
struct argon2_params {
    argon2_variant variant = argon2_variant::argon2id;
    std::uint32_t version = 19;          ///< 19 (0x13) or the older 16 (0x10).
    std::uint32_t time_cost = 2;         ///< Passes over memory (`t`).
    std::uint32_t memory_cost = 102'400; ///< KiB (`m`); at least 8 x parallelism.
    std::uint32_t parallelism = 8;       ///< Lanes (`p`); computed on one thread here.
    std::uint32_t hash_length = 16;      ///< Bytes of the stored hash, 4 or more.

    friend constexpr bool operator==(const argon2_params&, const argon2_params&) = default;
};

/// Django's `BCryptSHA256PasswordHasher.rounds` (log2 of the bcrypt cost), 3.2 to 5.x.
inline constexpr std::uint32_t default_bcrypt_rounds = 12;

/// The work factor of new hashes, the preferred hasher, and the ceilings on stored
/// hashes; tests lower the work factors for speed.
///
/// `algorithm` is Django's `PASSWORD_HASHERS[0]`: new hashes use it, a stored hash of
/// another algorithm is reported as `must_update`, and unknown users cost one hash with it.
struct password_policy {
    /// The hasher of new hashes.
    password_algorithm algorithm = password_algorithm::pbkdf2_sha256;
    /// PBKDF2 iterations of new hashes and of the dummy run for unknown users; stored
    /// PBKDF2 hashes with another count are reported as `must_update`, as in Django.
    std::uint32_t iterations = default_password_iterations;
    /// Stored PBKDF2 hashes with more iterations than this never verify.
    std::uint32_t max_iterations = default_max_password_iterations;
    /// Argon2 parameters of new hashes; stored Argon2 hashes with others must update.
    argon2_params argon2{};
    /// bcrypt rounds of new hashes, 4 to 31; stored hashes with others must update.
    std::uint32_t bcrypt_rounds = default_bcrypt_rounds;
    /// Stored Argon2 hashes using more memory (KiB, default 256 MiB), more passes
    /// (default 16, with 256 MiB about 20 times Django's cost) or more lanes than these
    /// never verify: libargon2 allocates the memory on every check.
    std::uint32_t max_argon2_memory_cost = 262'144;
    std::uint32_t max_argon2_time_cost = 16;
    std::uint32_t max_argon2_parallelism = 64;
    /// Stored bcrypt hashes with more rounds than this never verify (each round doubles
    /// the cost: 16 is 16 times Django's 12).
    std::uint32_t max_bcrypt_rounds = 16;

    /// The defaults of a Django release (its PBKDF2 iteration count) with `algorithm`
    /// as the preferred hasher.
    static constexpr password_policy for_django(django_version v,
                                                password_algorithm a = password_algorithm::pbkdf2_sha256) noexcept {
        password_policy p;
        p.algorithm = a;
        p.iterations = django_pbkdf2_iterations(v);
        return p;
    }
};

/// The outcome of `check_password`.
struct password_check {
    /// The password matches the stored hash.
    bool valid = false;
    /// Only meaningful when `valid`: Django's `check_password` would re-hash here
    /// (another algorithm than the policy's, another work factor, a salt under 128 bits),
    /// so the caller should store `make_password(password)`.
    bool must_update = false;
    /// Why the stored hash could not be checked at all (`valid` is then false):
    /// `errc::unusable_password`, `errc::unknown_password_algorithm`,
    /// `errc::bad_password_hash`, `errc::password_work_factor_limit`,
    /// `errc::password_hash_failure` / `errc::openssl_failure`. Empty for a wrong password.
    std::error_code error{};

    explicit operator bool() const noexcept { return valid; }
};

} // namespace warden::crypto

#endif
