// Django's BCryptSHA256PasswordHasher on libxcrypt's bcrypt (crypt_rn):
// `bcrypt_sha256$$2b$12$<22-character salt><31-character hash>`, bcrypt applied to the
// lowercase hex SHA-256 of the password, for warden/crypto/password.hpp.
#ifndef WARDEN_CRYPTO_DETAIL_BCRYPT_HASHER_HPP
#define WARDEN_CRYPTO_DETAIL_BCRYPT_HASHER_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/password_format.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/password_policy.hpp>
#include <warden/crypto/random.hpp>

#include <crypt.h>
#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto::detail {

struct bcrypt_hasher {
    struct parsed {
        std::string_view bcrypt;   // the 60-character `$2b$12$...` part
        std::uint32_t rounds = 0;
    };

    static constexpr std::string_view prefix = "bcrypt_sha256$";
    static constexpr std::size_t setting_length = 29;   // `$2b$12$` and the 22-character salt
    static constexpr std::size_t hash_length = 60;
    static constexpr std::uint32_t min_rounds = 4, max_rounds = 31;

    static constexpr bool bcrypt_char(char c) noexcept {
        return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    // `$2a$`, `$2b$` or `$2y$` (what Python's bcrypt, and so Django, accepts; `$2x$` is
    // refused there too), two-digit rounds 04..31, then 53 characters of bcrypt's base64.
    static std::error_code parse(std::string_view encoded, const password_policy& policy, parsed& out) noexcept {
        if (!encoded.starts_with(prefix)) return errc::bad_password_hash;
        const std::string_view b = encoded.substr(prefix.size());
        if (b.size() != hash_length || b[0] != '$' || b[1] != '2' || (b[2] != 'a' && b[2] != 'b' && b[2] != 'y') ||
            b[3] != '$' || b[6] != '$')
            return errc::bad_password_hash;
        const auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (!digit(b[4]) || !digit(b[5])) return errc::bad_password_hash;
        const auto rounds = static_cast<std::uint32_t>((b[4] - '0') * 10 + (b[5] - '0'));
        if (rounds < min_rounds || rounds > max_rounds) return errc::bad_password_hash;
        for (char c : b.substr(7))
            if (!bcrypt_char(c)) return errc::bad_password_hash;
        if (rounds > policy.max_bcrypt_rounds) return errc::password_work_factor_limit;
        out.bcrypt = b;
        out.rounds = rounds;
        return {};
    }

    // Django re-encodes with the stored hash as the salt and compares whole strings: the
    // output repeats the setting (with a canonical last salt character) and the hash.
    static bool verify(std::string_view password, const parsed& h, std::error_code& ec) {
        std::string computed;
        if ((ec = compute(password, h.bcrypt.substr(0, setting_length), computed))) return false;
        const bool valid = constant_time_equal(computed, h.bcrypt);
        OPENSSL_cleanse(computed.data(), computed.size());
        return valid;
    }

    static bool must_update(const parsed& h, const password_policy& policy) noexcept {
        return h.rounds != policy.bcrypt_rounds;
    }

    // Django's harden_runtime: 2^(rounds - stored) - 1 more hashes at the stored cost,
    // which together cost one hash at the policy's rounds.
    static void harden(std::string_view password, const parsed& h, const password_policy& policy) noexcept {
        if (policy.bcrypt_rounds <= h.rounds || policy.bcrypt_rounds > max_rounds) return;
        try {
            std::string scratch;
            for (std::uint64_t n = (std::uint64_t{1} << (policy.bcrypt_rounds - h.rounds)) - 1; n > 0; --n)
                (void)compute(password, h.bcrypt.substr(0, setting_length), scratch);
            OPENSSL_cleanse(scratch.data(), scratch.size());
        } catch (...) {   // std::bad_alloc: the time is spent either way
        }
    }

    // `salt`: 22 characters of bcrypt's base64 alphabet.
    static std::error_code encode(std::string_view password, std::string_view salt, std::uint32_t rounds,
                                  std::string& out) {
        if (salt.size() != setting_length - 7 || rounds < min_rounds || rounds > max_rounds)
            return std::make_error_code(std::errc::invalid_argument);
        for (char c : salt)
            if (!bcrypt_char(c)) return std::make_error_code(std::errc::invalid_argument);
        std::string setting{"$2b$"};
        setting.push_back(static_cast<char>('0' + rounds / 10));
        setting.push_back(static_cast<char>('0' + rounds % 10));
        setting.push_back('$');
        setting.append(salt);
        std::string computed;
        if (auto ec = compute(password, setting, computed)) return ec;
        out.assign(prefix).append(computed);
        return {};
    }

    // Python bcrypt's gensalt: 16 bytes from the CSPRNG in bcrypt's base64 (libxcrypt's
    // crypt_gensalt_rn encodes them; it draws nothing itself when given the bytes).
    static std::error_code make_salt(std::uint32_t rounds, std::string& salt) {
        std::array<unsigned char, 16> bytes{};
        if (auto ec = random_bytes(bytes)) return ec;
        char setting[CRYPT_GENSALT_OUTPUT_SIZE];
        const char* made = crypt_gensalt_rn("$2b$", rounds, reinterpret_cast<const char*>(bytes.data()),
                                            static_cast<int>(bytes.size()), setting, sizeof setting);
        OPENSSL_cleanse(bytes.data(), bytes.size());
        if (made == nullptr || std::strlen(made) != setting_length) return errc::password_hash_failure;
        salt.assign(made + 7, setting_length - 7);
        return {};
    }

    static void simulate(const password_policy& policy) noexcept {
        try {
            std::string scratch;
            const std::uint32_t rounds =
                policy.bcrypt_rounds < min_rounds ? min_rounds : policy.bcrypt_rounds > max_rounds ? max_rounds : policy.bcrypt_rounds;
            std::string setting{"$2b$00$warden.dummy.salt.000u"};
            setting[4] = static_cast<char>('0' + rounds / 10);
            setting[5] = static_cast<char>('0' + rounds % 10);
            (void)compute("warden-dummy-password", setting, scratch);
        } catch (...) {   // std::bad_alloc: the time is spent either way
        }
    }

private:
    // bcrypt over the 64 hex digits of SHA-256(password): under bcrypt's 72-byte limit,
    // so long passwords are not truncated (Django ticket #20138).
    static std::error_code compute(std::string_view password, std::string_view setting, std::string& out) {
        sha256_digest digest{};
        if (auto ec = sha256(password, digest)) return ec;
        auto hex = hex_array(digest);
        OPENSSL_cleanse(digest.data(), digest.size());
        std::array<char, 65> phrase{};
        std::memcpy(phrase.data(), hex.data(), hex.size());
        OPENSSL_cleanse(hex.data(), hex.size());
        const std::string setting_z(setting);
        // 32 KiB of state, zeroed as crypt_rn requires, on the heap: request handlers may
        // run on small stacks.
        auto data = std::make_unique<crypt_data>();
        const char* result = crypt_rn(phrase.data(), setting_z.c_str(), data.get(), static_cast<int>(sizeof(crypt_data)));
        std::error_code ec;
        if (result == nullptr || std::strlen(result) != hash_length) ec = errc::password_hash_failure;
        else out.assign(result, hash_length);
        OPENSSL_cleanse(phrase.data(), phrase.size());
        OPENSSL_cleanse(data.get(), sizeof(crypt_data));
        return ec;
    }
};

} // namespace warden::crypto::detail

#endif
