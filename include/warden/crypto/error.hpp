/// @file
/// Error codes of the crypto layer (`warden::crypto::errc`) and their category.
#ifndef WARDEN_CRYPTO_ERROR_HPP
#define WARDEN_CRYPTO_ERROR_HPP

#include <string>
#include <system_error>

namespace warden::crypto {

/// Failures of encoding, randomness and primitive operations.
enum class errc {
    bad_base64 = 1,      ///< Input is not canonical base64 / base64url.
    random_failure,      ///< OpenSSL's CSPRNG refused to produce bytes.
    openssl_failure,     ///< An OpenSSL primitive reported an error.
    bad_password_hash,   ///< A stored password hash is not in a known encoded form.
    bad_key,             ///< A key could not be parsed or is unusable for the operation.
    unknown_password_algorithm, ///< A stored password hash names an algorithm warden does not know.
    unusable_password,          ///< A stored password is Django's unusable form (`!...`).
    password_work_factor_limit, ///< A stored hash's work factor is above the policy's ceiling.
    password_hash_failure,      ///< libargon2 or libcrypt failed (e.g. out of memory).
};

/// The category of `warden::crypto::errc`; messages never contain key or secret material.
inline const std::error_category& crypto_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.crypto"; }
        std::string message(int ev) const override {
            switch (static_cast<errc>(ev)) {
            case errc::bad_base64: return "malformed base64";
            case errc::random_failure: return "the random number generator failed";
            case errc::openssl_failure: return "an OpenSSL operation failed";
            case errc::bad_password_hash: return "unknown password hash format";
            case errc::bad_key: return "unusable key";
            case errc::unknown_password_algorithm: return "unknown password hashing algorithm";
            case errc::unusable_password: return "the account has an unusable password";
            case errc::password_work_factor_limit: return "the stored password hash's work factor is above the limit";
            case errc::password_hash_failure: return "the password hashing library failed";
            }
            return "unknown crypto error";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), crypto_category()}; }

} // namespace warden::crypto

template <>
struct std::is_error_code_enum<warden::crypto::errc> : std::true_type {};

#endif
