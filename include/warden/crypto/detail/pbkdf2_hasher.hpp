// Django's PBKDF2PasswordHasher and PBKDF2SHA1PasswordHasher:
// `pbkdf2_sha256$<iterations>$<salt>$<base64 of the key>`, for warden/crypto/password.hpp.
#ifndef WARDEN_CRYPTO_DETAIL_PBKDF2_HASHER_HPP
#define WARDEN_CRYPTO_DETAIL_PBKDF2_HASHER_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/password_format.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/password_policy.hpp>
#include <warden/crypto/pbkdf2.hpp>

#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto::detail {

struct pbkdf2_hasher {
    struct parsed {
        bool sha1 = false;
        std::uint32_t iterations = 0;
        std::string_view salt;
        std::string_view hash;
    };

    static constexpr hash_algorithm prf(bool sha1) noexcept { return sha1 ? hash_algorithm::sha1 : hash_algorithm::sha256; }

    // `algorithm$iterations$salt$hash`, none of them containing '$' (Django splits at most
    // 3 times, but a hash with '$' can never equal its base64), a non-empty salt.
    static std::error_code parse(std::string_view encoded, const password_policy& policy, parsed& out) noexcept {
        bool found = false;
        const std::string_view name = next_field(encoded, found);
        out.sha1 = name == password_algorithm_name(password_algorithm::pbkdf2_sha1);
        const std::string_view count = next_field(encoded, found);
        if (!found) return errc::bad_password_hash;
        out.salt = next_field(encoded, found);
        if (!found || out.salt.empty()) return errc::bad_password_hash;
        out.hash = next_field(encoded, found);
        if (found) return errc::bad_password_hash;
        std::uint64_t n = 0;
        if (!parse_decimal(count, 0x7fffffffu, n) || n == 0) return errc::bad_password_hash;
        if (n > policy.max_iterations) return errc::password_work_factor_limit;
        out.iterations = static_cast<std::uint32_t>(n);
        return {};
    }

    static bool verify(std::string_view password, const parsed& h, std::error_code& ec) {
        const std::size_t n = digest_size(prf(h.sha1));
        std::string stored;
        if (base64_decode(h.hash, stored) || stored.size() != n) {
            ec = errc::bad_password_hash;
            derive(password, h.salt, h.iterations, h.sha1);   // the same work as a real check
            return false;
        }
        std::array<unsigned char, 32> dk{};
        ec = pbkdf2_hmac(prf(h.sha1), password, h.salt, h.iterations, std::span<unsigned char>{dk.data(), n});
        const bool valid = !ec && constant_time_equal({reinterpret_cast<const char*>(dk.data()), n}, stored);
        OPENSSL_cleanse(dk.data(), dk.size());
        OPENSSL_cleanse(stored.data(), stored.size());
        return valid;
    }

    static bool must_update(const parsed& h, const password_policy& policy) noexcept {
        return h.iterations != policy.iterations || salt_too_short(h.salt.size());
    }

    // Django's harden_runtime: a wrong password on a hash with fewer iterations than the
    // policy runs the difference, so the stored count cannot be timed.
    static void harden(std::string_view password, const parsed& h, const password_policy& policy) noexcept {
        if (policy.iterations > h.iterations) derive(password, h.salt, policy.iterations - h.iterations, h.sha1);
    }

    static std::error_code encode(std::string_view password, std::string_view salt, std::uint32_t iterations,
                                  bool sha1, std::string& out) {
        if (salt.empty() || salt.find('$') != std::string_view::npos || iterations == 0 ||
            iterations > pbkdf2_max_iterations)
            return std::make_error_code(std::errc::invalid_argument);
        const std::size_t n = digest_size(prf(sha1));
        std::array<unsigned char, 32> dk{};
        if (auto ec = pbkdf2_hmac(prf(sha1), password, salt, iterations, std::span<unsigned char>{dk.data(), n}))
            return ec;
        std::string encoded{password_algorithm_name(sha1 ? password_algorithm::pbkdf2_sha1
                                                         : password_algorithm::pbkdf2_sha256)};
        encoded.push_back('$');
        encoded.append(std::to_string(iterations));
        encoded.push_back('$');
        encoded.append(salt);
        encoded.push_back('$');
        encoded.append(base64_encode({reinterpret_cast<const char*>(dk.data()), n}));
        OPENSSL_cleanse(dk.data(), dk.size());
        out = std::move(encoded);
        return {};
    }

    // One PBKDF2-SHA-256 run at the policy's count on constant inputs (no CSPRNG, so no
    // failure path): the cost of a check, for unknown users and unreadable hashes.
    static void simulate(const password_policy& policy) noexcept {
        derive("warden-dummy-password", "warden-dummy-salt-0000", policy.iterations, false);
    }

private:
    static void derive(std::string_view password, std::string_view salt, std::uint32_t iterations, bool sha1) noexcept {
        std::array<unsigned char, 32> dk{};
        (void)pbkdf2_hmac(prf(sha1), password, salt, iterations == 0 ? 1 : iterations,
                          std::span<unsigned char>{dk.data(), digest_size(prf(sha1))});
        OPENSSL_cleanse(dk.data(), dk.size());
    }
};

} // namespace warden::crypto::detail

#endif
