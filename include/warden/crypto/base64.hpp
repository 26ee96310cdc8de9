/// @file
/// Strict base64 (RFC 4648 section 4, padded) and base64url (section 5, unpadded, as
/// JOSE uses it) encoding and decoding.
///
/// Decoding is strict: no whitespace, no characters of the other alphabet, padding
/// exactly where the chosen form requires it (and nowhere in base64url), and the
/// unused low bits of the last character must be zero, so every byte string has
/// exactly one accepted encoding.
#ifndef WARDEN_CRYPTO_BASE64_HPP
#define WARDEN_CRYPTO_BASE64_HPP

#include <warden/crypto/error.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::crypto {

namespace detail {

inline constexpr char b64_std_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char b64_url_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for a digit of the alphabet, 0xff for anything else.
constexpr std::array<std::uint8_t, 256> b64_table(const char* chars) {
    std::array<std::uint8_t, 256> t{};
    for (auto& v : t) v = 0xff;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(chars[i])] = static_cast<std::uint8_t>(i);
    return t;
}
inline constexpr auto b64_std_table = b64_table(b64_std_chars);
inline constexpr auto b64_url_table = b64_table(b64_url_chars);

inline void b64_encode(std::string_view in, const char* chars, bool pad, std::string& out) {
    out.reserve(out.size() + (in.size() + 2) / 3 * 4);
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out.push_back(chars[v >> 18]);
        out.push_back(chars[(v >> 12) & 63]);
        out.push_back(chars[(v >> 6) & 63]);
        out.push_back(chars[v & 63]);
    }
    std::size_t rest = in.size() - i;
    if (rest == 1) {
        std::uint32_t v = byte(i) << 16;
        out.push_back(chars[v >> 18]);
        out.push_back(chars[(v >> 12) & 63]);
        if (pad) out.append("==");
    } else if (rest == 2) {
        std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
        out.push_back(chars[v >> 18]);
        out.push_back(chars[(v >> 12) & 63]);
        out.push_back(chars[(v >> 6) & 63]);
        if (pad) out.push_back('=');
    }
}

// Decodes unpadded digits; `out` is appended to. Rejects non-canonical trailing bits.
inline std::error_code b64_decode_digits(std::string_view in, const std::array<std::uint8_t, 256>& table,
                                         std::string& out) {
    if (in.size() % 4 == 1) return errc::bad_base64;
    out.reserve(out.size() + in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        std::uint8_t d = table[static_cast<unsigned char>(c)];
        if (d == 0xff) return errc::bad_base64;
        acc = (acc << 6) | d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // Leftover bits (2 or 4) must be zero: otherwise two encodings decode alike.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return errc::bad_base64;
    return {};
}

} // namespace detail

/// Base64url without padding (RFC 7515 section 2).
inline std::string base64url_encode(std::string_view bytes) {
    std::string out;
    detail::b64_encode(bytes, detail::b64_url_chars, false, out);
    return out;
}

/// Decodes strict, unpadded base64url into `out` (replacing its content).
/// @return `errc::bad_base64` on padding, `+`, `/`, whitespace, a length of 4n+1, or
///         non-zero trailing bits.
inline std::error_code base64url_decode(std::string_view text, std::string& out) {
    out.clear();
    return detail::b64_decode_digits(text, detail::b64_url_table, out);
}

/// Padded standard base64 (RFC 4648 section 4).
inline std::string base64_encode(std::string_view bytes) {
    std::string out;
    detail::b64_encode(bytes, detail::b64_std_chars, true, out);
    return out;
}

/// Decodes strict, padded standard base64 into `out` (replacing its content).
/// @return `errc::bad_base64` unless the length is a multiple of 4 with correct padding,
///         every other character is in the alphabet and trailing bits are zero.
inline std::error_code base64_decode(std::string_view text, std::string& out) {
    out.clear();
    if (text.size() % 4 != 0) return errc::bad_base64;
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    return detail::b64_decode_digits(text.substr(0, text.size() - pad), detail::b64_std_table, out);
}

} // namespace warden::crypto

#endif
