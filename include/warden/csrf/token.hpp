/// @file
/// Django's CSRF secrets and tokens (namespace `warden::csrf`): making them, masking and
/// unmasking them, and comparing a request's token with the cookie's, as Django 3.2's
/// `django/middleware/csrf.py` does (the DRF reference site runs it):
/// - a *secret* is 32 characters of [a-zA-Z0-9] from the CSPRNG;
/// - a *token* is 64 characters: a fresh random 32-character mask followed by the
///   secret enciphered with it (each character's alphabet index plus the mask's, mod
///   62). Every page gets a different token for the same secret (BREACH mitigation);
/// - the `csrftoken` cookie holds a token (64), and older cookies a bare secret (32);
///   the request presents either form in the `csrfmiddlewaretoken` field or the
///   `X-CSRFToken` header; the two match when they unmask to the same secret.
///
/// The checks that use them are in warden/csrf/check.hpp.
///
/// @code
/// std::string token = warden::csrf::new_token();                 // for a cookie or a page
/// bool ok = warden::csrf::tokens_match(presented, cookie_value);  // constant time
/// @endcode
#ifndef WARDEN_CSRF_TOKEN_HPP
#define WARDEN_CSRF_TOKEN_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/random.hpp>

#include <openssl/crypto.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::csrf {

/// Characters in a secret (Django's CSRF_SECRET_LENGTH).
inline constexpr std::size_t secret_length = 32;
/// Characters in a masked token (Django's CSRF_TOKEN_LENGTH).
inline constexpr std::size_t token_length = 2 * secret_length;
/// Django's CSRF_ALLOWED_CHARS, in its order (the order defines the cipher).
inline constexpr std::string_view allowed_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

namespace detail {

constexpr std::array<signed char, 256> make_index_table() noexcept {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    for (std::size_t i = 0; i < allowed_chars.size(); ++i)
        t[static_cast<unsigned char>(allowed_chars[i])] = static_cast<signed char>(i);
    return t;
}
inline constexpr auto index_table = make_index_table();

constexpr int index_of(char c) noexcept { return index_table[static_cast<unsigned char>(c)]; }

constexpr bool all_allowed(std::string_view s) noexcept {
    for (char c : s)
        if (index_of(c) < 0) return false;
    return true;
}

// _unmask_cipher_token into a fixed buffer; the token must be 64 allowed characters.
constexpr void unmask_into(std::string_view token, char* secret) noexcept {
    constexpr int n = static_cast<int>(allowed_chars.size());
    for (std::size_t i = 0; i < secret_length; ++i) {
        int v = index_of(token[secret_length + i]) - index_of(token[i]);
        secret[i] = allowed_chars[static_cast<std::size_t>(v < 0 ? v + n : v)];
    }
}

// The secret a sanitized value stands for: a token is unmasked, a secret is itself.
constexpr bool secret_of(std::string_view value, std::array<char, secret_length>& secret) noexcept {
    if (!all_allowed(value)) return false;
    if (value.size() == token_length) {
        unmask_into(value, secret.data());
        return true;
    }
    if (value.size() == secret_length) {
        for (std::size_t i = 0; i < secret_length; ++i) secret[i] = value[i];
        return true;
    }
    return false;
}

} // namespace detail

/// Whether `c` is one of `allowed_chars`.
constexpr bool is_allowed_char(char c) noexcept { return detail::index_of(c) >= 0; }

/// Whether `s` is a well-formed secret: 32 characters of `allowed_chars`.
constexpr bool is_valid_secret(std::string_view s) noexcept {
    return s.size() == secret_length && detail::all_allowed(s);
}

/// Whether `s` is a well-formed masked token: 64 characters of `allowed_chars`.
constexpr bool is_valid_token(std::string_view s) noexcept {
    return s.size() == token_length && detail::all_allowed(s);
}

/// The shape of a presented CSRF value.
enum class token_format {
    masked,             ///< 64 allowed characters: a token.
    unmasked,           ///< 32 allowed characters: a bare secret (older Django cookies).
    incorrect_length,   ///< Any other length.
    invalid_characters, ///< Right length, but a character outside [a-zA-Z0-9].
};

/// Classifies a presented value; length is judged first, as Django 4.1's
/// `_check_token_format` does (Django 3.2 rejects both defects alike).
constexpr token_format classify_token(std::string_view value) noexcept {
    if (value.size() != token_length && value.size() != secret_length) return token_format::incorrect_length;
    if (!detail::all_allowed(value)) return token_format::invalid_characters;
    return value.size() == token_length ? token_format::masked : token_format::unmasked;
}

/// Django 4.1's wording for a token defect ("has incorrect length", "has invalid
/// characters"; empty for well-formed values), for logs: it never contains the value.
constexpr std::string_view describe(token_format f) noexcept {
    switch (f) {
    case token_format::incorrect_length: return "has incorrect length";
    case token_format::invalid_characters: return "has invalid characters";
    default: return {};
    }
}

/// Masks `secret` with the given `mask` (Django's `_mask_cipher_secret` with a chosen
/// mask): `mask` followed by each secret character's index plus the mask's, mod 62.
///
/// @param secret 32 allowed characters.
/// @param mask 32 allowed characters; must be fresh CSPRNG output outside tests.
/// @return the 64-character token, or an empty string if either input is malformed.
/// @code
/// auto token = warden::csrf::mask_secret(secret, std::string(32, 'a'));   // tests only
/// @endcode
inline std::string mask_secret(std::string_view secret, std::string_view mask) {
    if (!is_valid_secret(secret) || !is_valid_secret(mask)) return {};
    constexpr int n = static_cast<int>(allowed_chars.size());
    std::string token(mask);
    token.resize(token_length);
    for (std::size_t i = 0; i < secret_length; ++i)
        token[secret_length + i] =
            allowed_chars[static_cast<std::size_t>((detail::index_of(secret[i]) + detail::index_of(mask[i])) % n)];
    return token;
}

/// Masks `secret` with a fresh random mask (Django's `_mask_cipher_secret`).
///
/// @param secret 32 allowed characters.
/// @return the 64-character token, or an empty string if `secret` is malformed.
/// @throws std::system_error if the CSPRNG fails.
/// @code
/// std::string for_the_page = warden::csrf::mask_secret(secret);
/// @endcode
inline std::string mask_secret(std::string_view secret) {
    if (!is_valid_secret(secret)) return {};
    std::string mask = crypto::random_string(secret_length, allowed_chars);
    std::string token = mask_secret(secret, mask);
    OPENSSL_cleanse(mask.data(), mask.size());
    return token;
}

/// Recovers the secret of a 64-character token (Django's `_unmask_cipher_token`).
///
/// @return the 32-character secret, or an empty string if `token` is not 64 allowed characters.
/// @code
/// assert(warden::csrf::unmask_token(warden::csrf::mask_secret(secret)) == secret);
/// @endcode
inline std::string unmask_token(std::string_view token) {
    if (!is_valid_token(token)) return {};
    std::string secret(secret_length, '\0');
    detail::unmask_into(token, secret.data());
    return secret;
}

/// A new secret: 32 characters of `allowed_chars` from the CSPRNG (`_get_new_csrf_string`).
/// @return `crypto::errc::random_failure` if the CSPRNG fails (`out` unchanged).
inline std::error_code new_secret(std::string& out) {
    return crypto::random_string(secret_length, allowed_chars, out);
}

/// A new secret (throwing form). @throws std::system_error if the CSPRNG fails.
inline std::string new_secret() { return crypto::random_string(secret_length, allowed_chars); }

/// A new token: a new secret, masked (`_get_new_csrf_token`). Django 3.2 stores this in
/// the `csrftoken` cookie, and `rotate_token` (at login) replaces the cookie with one.
/// @return `crypto::errc::random_failure` if the CSPRNG fails (`out` unchanged).
inline std::error_code new_token(std::string& out) {
    try {
        out = mask_secret(new_secret());
    } catch (const std::system_error& e) {
        return e.code();
    }
    return {};
}

/// A new token (throwing form). @throws std::system_error if the CSPRNG fails.
inline std::string new_token() { return mask_secret(new_secret()); }

/// Django's `_sanitize_token` without its fallback: a 64-character token is returned
/// as is, a 32-character secret masked with a fresh mask, anything else (wrong length,
/// a character outside [a-zA-Z0-9]) is refused.
///
/// Where Django substitutes a fresh `new_token()` for a refused value, the caller does:
/// for a cookie this means the request's token cannot match and the response must
/// reset the cookie (Django's `csrf_cookie_needs_reset`).
///
/// @return the token to use, or `std::nullopt` for a malformed value.
/// @throws std::system_error if masking a secret needs the CSPRNG and it fails.
/// @code
/// auto cookie_token = warden::csrf::sanitize_token(cookie).value_or(warden::csrf::new_token());
/// @endcode
inline std::optional<std::string> sanitize_token(std::string_view value) {
    switch (classify_token(value)) {
    case token_format::masked: return std::string(value);
    case token_format::unmasked: return mask_secret(value);
    default: return std::nullopt;
    }
}

/// Whether a request's token and the cookie's value stand for the same secret (Django's
/// `_compare_masked_tokens` after `_sanitize_token` on both). Each may be a 64-character
/// token or a 32-character secret; a malformed one never matches. The secrets are
/// compared in constant time; nothing is allocated.
///
/// @code
/// if (!warden::csrf::tokens_match(header_token, cookie_token)) return reject(reason_bad_token);
/// @endcode
inline bool tokens_match(std::string_view request_token, std::string_view cookie_token) noexcept {
    std::array<char, secret_length> a{}, b{};
    const bool ok_a = detail::secret_of(request_token, a);
    const bool ok_b = detail::secret_of(cookie_token, b);
    const bool same = crypto::constant_time_equal({a.data(), a.size()}, {b.data(), b.size()});
    OPENSSL_cleanse(a.data(), a.size());
    OPENSSL_cleanse(b.data(), b.size());
    return ok_a && ok_b && same;
}

} // namespace warden::csrf

#endif
