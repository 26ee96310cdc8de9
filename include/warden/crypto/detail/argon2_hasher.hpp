// Django's Argon2PasswordHasher on Debian's libargon2: `argon2` followed by the PHC
// string argon2-cffi writes (`$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>`, salt and
// hash in unpadded standard base64), for warden/crypto/password.hpp.
#ifndef WARDEN_CRYPTO_DETAIL_ARGON2_HASHER_HPP
#define WARDEN_CRYPTO_DETAIL_ARGON2_HASHER_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/password_format.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/password_policy.hpp>

#include <argon2.h>
#include <openssl/crypto.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::crypto::detail {

struct argon2_hasher {
    struct parsed {
        argon2_params params;
        std::string salt;   // decoded
        std::string hash;   // decoded
    };

    // Far above any real salt or hash (Django's are 22 and 16 or 32 bytes); bounds what a
    // planted row makes us allocate and compare.
    static constexpr std::size_t max_field_bytes = 1024;

    static constexpr std::string_view variant_name(argon2_variant v) noexcept {
        switch (v) {
        case argon2_variant::argon2d: return "argon2d";
        case argon2_variant::argon2i: return "argon2i";
        case argon2_variant::argon2id: return "argon2id";
        }
        return {};
    }

    static constexpr argon2_type library_type(argon2_variant v) noexcept {
        switch (v) {
        case argon2_variant::argon2d: return Argon2_d;
        case argon2_variant::argon2i: return Argon2_i;
        case argon2_variant::argon2id: return Argon2_id;
        }
        return Argon2_id;
    }

    // What libargon2 itself requires; parse and encode both check it so that argon2_ctx
    // only fails for lack of memory.
    static constexpr bool usable(const argon2_params& p, std::size_t salt_bytes) noexcept {
        return (p.version == ARGON2_VERSION_10 || p.version == ARGON2_VERSION_13) && p.time_cost >= 1 &&
               p.parallelism >= 1 && p.parallelism <= ARGON2_MAX_LANES &&
               p.memory_cost / 8 >= p.parallelism && p.hash_length >= ARGON2_MIN_OUTLEN &&
               p.hash_length <= max_field_bytes && salt_bytes >= ARGON2_MIN_SALT_LENGTH && salt_bytes <= max_field_bytes;
    }

    // `argon2$<variant>$[v=<version>$]m=<m>,t=<t>,p=<p>$<salt>$<hash>`. Without `v=` the
    // hash is version 16, as libargon2 reads it. Strict: canonical decimals in that order,
    // canonical unpadded base64 (libargon2 refuses loose trailing bits too).
    static std::error_code parse(std::string_view encoded, const password_policy& policy, parsed& out) {
        bool found = false;
        (void)next_field(encoded, found);   // "argon2"
        const std::string_view variant = next_field(encoded, found);
        if (!found) return errc::bad_password_hash;
        if (variant == "argon2id") out.params.variant = argon2_variant::argon2id;
        else if (variant == "argon2i") out.params.variant = argon2_variant::argon2i;
        else if (variant == "argon2d") out.params.variant = argon2_variant::argon2d;
        else return errc::bad_password_hash;
        std::string_view field = next_field(encoded, found);
        std::uint64_t n = 0;
        out.params.version = ARGON2_VERSION_10;
        if (field.starts_with("v=")) {
            if (!found || !parse_decimal(field.substr(2), UINT32_MAX, n)) return errc::bad_password_hash;
            out.params.version = static_cast<std::uint32_t>(n);
            field = next_field(encoded, found);
        }
        if (!found) return errc::bad_password_hash;
        std::uint64_t m = 0, t = 0, p = 0;
        const auto comma1 = field.find(','), comma2 = field.find(',', comma1 + 1);
        if (comma1 == std::string_view::npos || comma2 == std::string_view::npos ||
            !field.substr(0, comma1).starts_with("m=") || !field.substr(comma1 + 1).starts_with("t=") ||
            !field.substr(comma2 + 1).starts_with("p=") ||
            !parse_decimal(field.substr(2, comma1 - 2), UINT32_MAX, m) ||
            !parse_decimal(field.substr(comma1 + 3, comma2 - comma1 - 3), UINT32_MAX, t) ||
            !parse_decimal(field.substr(comma2 + 3), UINT32_MAX, p))
            return errc::bad_password_hash;
        const std::string_view salt = next_field(encoded, found);
        if (!found) return errc::bad_password_hash;
        const std::string_view hash = next_field(encoded, found);
        if (found || salt.size() > max_field_bytes * 2 || hash.size() > max_field_bytes * 2 ||
            b64_decode_digits(salt, b64_std_shifted, out.salt) || b64_decode_digits(hash, b64_std_shifted, out.hash))
            return errc::bad_password_hash;
        out.params.memory_cost = static_cast<std::uint32_t>(m);
        out.params.time_cost = static_cast<std::uint32_t>(t);
        out.params.parallelism = static_cast<std::uint32_t>(p);
        out.params.hash_length = static_cast<std::uint32_t>(out.hash.size());
        if (!usable(out.params, out.salt.size())) return errc::bad_password_hash;
        if (m > policy.max_argon2_memory_cost || t > policy.max_argon2_time_cost || p > policy.max_argon2_parallelism)
            return errc::password_work_factor_limit;
        return {};
    }

    static bool verify(std::string_view password, const parsed& h, std::error_code& ec) {
        std::string computed;
        if ((ec = compute(password, h.salt, h.params, computed))) return false;
        const bool valid = constant_time_equal(computed, h.hash);
        OPENSSL_cleanse(computed.data(), computed.size());
        return valid;
    }

    // Django compares argon2-cffi Parameters: variant, version, time, memory,
    // parallelism and hash length (not the salt length), then the salt's entropy.
    static bool must_update(const parsed& h, const password_policy& policy) noexcept {
        return h.params != policy.argon2 || salt_too_short(h.salt.size());
    }

    // Django: "The runtime for Argon2 is too complicated to implement a sensible
    // hardening algorithm."
    static void harden(std::string_view, const parsed&, const password_policy&) noexcept {}

    static std::error_code encode(std::string_view password, std::string_view salt, const argon2_params& params,
                                  std::string& out) {
        if (!usable(params, salt.size())) return std::make_error_code(std::errc::invalid_argument);
        std::string hash;
        if (auto ec = compute(password, salt, params, hash)) return ec;
        std::string encoded{"argon2$"};
        encoded.append(variant_name(params.variant));
        encoded.append("$v=").append(std::to_string(params.version));
        encoded.append("$m=").append(std::to_string(params.memory_cost));
        encoded.append(",t=").append(std::to_string(params.time_cost));
        encoded.append(",p=").append(std::to_string(params.parallelism));
        encoded.push_back('$');
        b64_encode(salt, b64_std_chars, false, encoded);
        encoded.push_back('$');
        b64_encode(hash, b64_std_chars, false, encoded);
        OPENSSL_cleanse(hash.data(), hash.size());
        out = std::move(encoded);
        return {};
    }

    static void simulate(const password_policy& policy) noexcept {
        try {
            std::string hash;
            (void)compute("warden-dummy-password", "warden-dummy-salt-0000", policy.argon2, hash);
        } catch (...) {   // std::bad_alloc: the time is spent either way
        }
    }

private:
    // One thread whatever the lane count: the result is the same, and a check then
    // occupies only the thread it runs on, as all blocking work in warden does.
    static std::error_code compute(std::string_view password, std::string_view salt, const argon2_params& params,
                                   std::string& out) {
        if (!usable(params, salt.size()) || password.size() > ARGON2_MAX_PWD_LENGTH)
            return std::make_error_code(std::errc::invalid_argument);
        out.assign(params.hash_length, '\0');
        argon2_context ctx{};
        ctx.out = reinterpret_cast<uint8_t*>(out.data());
        ctx.outlen = params.hash_length;
        // libargon2 only reads the password and salt (ARGON2_FLAG_CLEAR_PASSWORD is not set).
        ctx.pwd = reinterpret_cast<uint8_t*>(const_cast<char*>(password.data()));
        ctx.pwdlen = static_cast<uint32_t>(password.size());
        ctx.salt = reinterpret_cast<uint8_t*>(const_cast<char*>(salt.data()));
        ctx.saltlen = static_cast<uint32_t>(salt.size());
        ctx.t_cost = params.time_cost;
        ctx.m_cost = params.memory_cost;
        ctx.lanes = params.parallelism;
        ctx.threads = 1;
        ctx.version = params.version;
        ctx.flags = ARGON2_DEFAULT_FLAGS;
        if (argon2_ctx(&ctx, library_type(params.variant)) != ARGON2_OK) {
            OPENSSL_cleanse(out.data(), out.size());
            out.clear();
            return errc::password_hash_failure;
        }
        return {};
    }
};

} // namespace warden::crypto::detail

#endif
