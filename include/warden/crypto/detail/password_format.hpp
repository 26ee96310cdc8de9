// Parsing of Django's encoded password form, for warden/crypto/password.hpp.
#ifndef WARDEN_CRYPTO_DETAIL_PASSWORD_FORMAT_HPP
#define WARDEN_CRYPTO_DETAIL_PASSWORD_FORMAT_HPP

#include <warden/crypto/digest.hpp>

#include <cstdint>
#include <string_view>

namespace warden::crypto::detail {

constexpr hash_algorithm password_prf(bool sha1) noexcept {
    return sha1 ? hash_algorithm::sha1 : hash_algorithm::sha256;
}

constexpr std::string_view password_algorithm_name(bool sha1) noexcept {
    return sha1 ? "pbkdf2_sha1" : "pbkdf2_sha256";
}

struct parsed_password_hash {
    bool sha1 = false;
    std::uint32_t iterations = 0;
    std::string_view salt;
    std::string_view hash;
};

// Splits `algorithm$iterations$salt$hash` (the hash may not contain '$' either: Django
// splits at most 3 times, but such a hash can never equal its base64). The iteration
// count must be canonical decimal: Django re-encodes it with %d and compares whole
// strings, so "0100" or "+100" never verified there either.
constexpr bool parse_password_hash(std::string_view encoded, std::uint32_t max_iterations,
                                   parsed_password_hash& out) noexcept {
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
        auto dollar = encoded.find('$');
        if (dollar == std::string_view::npos) return false;
        parts[i] = encoded.substr(0, dollar);
        encoded.remove_prefix(dollar + 1);
    }
    parts[3] = encoded;
    if (parts[0] == password_algorithm_name(false)) out.sha1 = false;
    else if (parts[0] == password_algorithm_name(true)) out.sha1 = true;
    else return false;

    const std::string_view digits = parts[1];
    if (digits.empty() || digits.size() > 10 || digits.front() == '0') return false;
    std::uint64_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n > max_iterations || n > 0x7fffffffu) return false;
    out.iterations = static_cast<std::uint32_t>(n);

    if (parts[2].empty()) return false;
    out.salt = parts[2];
    out.hash = parts[3];
    return out.hash.find('$') == std::string_view::npos;
}

} // namespace warden::crypto::detail

#endif
