// Parsing shared by the encoded forms of Django's hashers (warden/crypto/password.hpp).
#ifndef WARDEN_CRYPTO_DETAIL_PASSWORD_FORMAT_HPP
#define WARDEN_CRYPTO_DETAIL_PASSWORD_FORMAT_HPP

#include <warden/crypto/password_policy.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace warden::crypto::detail {

// Canonical decimal only (no sign, space or leading zero), at most `max`. Django
// re-encodes PBKDF2 counts with %d and compares whole strings, so "0100" never verified
// there either; for Argon2 and bcrypt no Django-made hash has another form.
constexpr bool parse_decimal(std::string_view digits, std::uint64_t max, std::uint64_t& out) noexcept {
    if (digits.empty() || digits.size() > 10 || (digits.size() > 1 && digits.front() == '0')) return false;
    std::uint64_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n > max) return false;
    out = n;
    return true;
}

// Splits off the text up to the next '$' (all of `rest` when there is none).
constexpr std::string_view next_field(std::string_view& rest, bool& found) noexcept {
    const auto dollar = rest.find('$');
    found = dollar != std::string_view::npos;
    const std::string_view field = rest.substr(0, dollar);
    rest = found ? rest.substr(dollar + 1) : std::string_view{};
    return field;
}

// Django's identify_hasher: the text before the first '$' names the hasher. Django's
// ancient unsalted MD5/SHA-1 forms are not supported, so they are unknown here.
constexpr std::optional<password_algorithm> identify_password_algorithm(std::string_view encoded) noexcept {
    const std::string_view name = encoded.substr(0, encoded.find('$'));
    for (auto a : {password_algorithm::pbkdf2_sha256, password_algorithm::pbkdf2_sha1, password_algorithm::argon2,
                   password_algorithm::bcrypt_sha256})
        if (name == password_algorithm_name(a)) return a;
    return std::nullopt;
}

// Django's must_update_salt: fewer than 128 bits at log2(62) bits per character.
constexpr bool salt_too_short(std::size_t length) noexcept { return length < password_salt_length; }

} // namespace warden::crypto::detail

#endif
