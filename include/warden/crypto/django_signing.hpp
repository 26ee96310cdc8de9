/// @file
/// Django's signing, byte for byte: `salted_hmac`, base62 timestamps, `Signer`,
/// `TimestampSigner` and `signing.dumps` / `signing.loads` over a byte payload (the
/// caller serialises JSON; see `warden/store/django/session_codec.hpp` for sessions).
///
/// Signed values made here verify in Django 3.2 to 5.x and the other way round:
/// `value:timestamp:signature` with base62 timestamps and unpadded base64url
/// HMAC-SHA-256 signatures keyed with `salted_hmac`'s derived key, and zlib compression
/// (marked by a leading `.`) used only when Django would use it. Reading also accepts:
/// - Django 3.2's legacy HMAC-SHA-1 signatures made with the current secret
///   (`Signer.legacy_algorithm`; `signer_options::accept_legacy_sha1`);
/// - signatures made with any of the fallback secrets (Django 4.1's
///   `SECRET_KEY_FALLBACKS`), which never sign.
///
/// Signatures are compared in constant time. Every malformed input is an error code of
/// `signing_errc`, never an exception or a crash: no separator, a timestamp that is not
/// canonical base62, a payload that is not canonical unpadded base64url, a zlib stream
/// that is truncated, corrupt or followed by other bytes, a payload over the size limit.
///
/// @code
/// using namespace warden::crypto::django;
/// timestamp_signer s{{.secret = secret_key, .fallbacks = {old_key}}, "my.salt"};
/// std::string token;
/// if (auto ec = dumps(s, R"({"user":"1"})", token, {.compress = true})) return ec;
/// std::string json;
/// if (auto ec = loads(s, token, json, {.max_age = std::chrono::hours{1}})) return ec;   // signing_errc
/// @endcode
#ifndef WARDEN_CRYPTO_DJANGO_SIGNING_HPP
#define WARDEN_CRYPTO_DJANGO_SIGNING_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/evp_md.hpp>
#include <warden/crypto/detail/openssl.hpp>
#include <warden/crypto/detail/zlib.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/hmac.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::crypto::django {

/// Why a signed value was refused.
enum class signing_errc {
    bad_signature = 1,      ///< No secret produces this signature (tampered, or another key).
    signature_expired,      ///< Valid, but older than the `max_age` asked for.
    malformed,              ///< A `:` separator is missing.
    bad_timestamp,          ///< The timestamp is not canonical base62.
    bad_payload,            ///< The payload is not canonical unpadded base64url.
    bad_compressed_payload, ///< The payload is not one complete zlib stream.
    payload_too_large,      ///< The (decompressed) payload is over the size limit.
    compression_failed,     ///< zlib could not compress (out of memory).
};

/// The category of `signing_errc`; messages never contain the value, the signature or a key.
inline const std::error_category& signing_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.django_signing"; }
        std::string message(int ev) const override {
            switch (static_cast<signing_errc>(ev)) {
            case signing_errc::bad_signature: return "the signature does not match";
            case signing_errc::signature_expired: return "the signature has expired";
            case signing_errc::malformed: return "the signed value is malformed (a ':' separator is missing)";
            case signing_errc::bad_timestamp: return "the signed timestamp is not canonical base62";
            case signing_errc::bad_payload: return "the signed payload is not canonical unpadded base64url";
            case signing_errc::bad_compressed_payload: return "the signed payload is not a complete zlib stream";
            case signing_errc::payload_too_large: return "the signed payload is larger than the limit";
            case signing_errc::compression_failed: return "zlib could not compress the payload";
            }
            return "unknown signing error";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(signing_errc e) noexcept { return {static_cast<int>(e), signing_category()}; }

} // namespace warden::crypto::django

template <>
struct std::is_error_code_enum<warden::crypto::django::signing_errc> : std::true_type {};

namespace warden::crypto::django {

/// A MAC or derived key of up to 64 bytes (SHA-1, SHA-256 or SHA-512), held without
/// allocating.
struct mac_bytes {
    std::array<unsigned char, 64> bytes{};
    std::size_t size = 0;

    /// The bytes as a string view.
    std::string_view view() const noexcept { return {reinterpret_cast<const char*>(bytes.data()), size}; }
    /// Lowercase hexadecimal, as Python's `hexdigest()`.
    std::string hex() const { return to_hex(std::span<const unsigned char>(bytes.data(), size)); }
};

/// The key Django's `salted_hmac` derives: `H(key_salt + secret)`, with `H` the HMAC's hash.
///
/// @return `std::errc::invalid_argument` for an algorithm outside `hash_algorithm`;
///         `errc::openssl_failure` if OpenSSL fails.
inline std::error_code salted_hmac_key(hash_algorithm algorithm, std::string_view key_salt, std::string_view secret,
                                       mac_bytes& key) noexcept {
    const EVP_MD* md = crypto::detail::evp_md(algorithm);
    if (md == nullptr) return std::make_error_code(std::errc::invalid_argument);
    crypto::detail::md_ctx_ptr ctx{EVP_MD_CTX_new()};
    unsigned int len = 0;
    // Two updates instead of a concatenation: the secret is never copied.
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), key_salt.data(), key_salt.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), key.bytes.data(), &len) != 1) {
        ERR_clear_error();
        return errc::openssl_failure;
    }
    key.size = len;
    return {};
}

} // namespace warden::crypto::django

namespace warden::crypto::detail {

// One-shot HMAC for the SHA-1 keys, which crypto::hmac (the JWS set) does not offer.
inline std::error_code hmac_once(hash_algorithm algorithm, std::string_view key, std::string_view value,
                                 django::mac_bytes& out) noexcept {
    const EVP_MD* md = evp_md(algorithm);
    unsigned int len = 0;
    if (md == nullptr || key.size() > INT_MAX ||
        HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(value.data()),
             value.size(), out.bytes.data(), &len) == nullptr) {
        ERR_clear_error();
        return errc::openssl_failure;
    }
    out.size = len;
    return {};
}

} // namespace warden::crypto::detail

namespace warden::crypto::django {

/// Django's `salted_hmac(key_salt, value, secret, algorithm=...)`: HMAC of `value` keyed
/// with `H(key_salt + secret)`.
///
/// @param algorithm `sha1` (Django's default before 3.1 and for legacy forms), `sha256`
///        (signing, session auth hashes) or `sha512`.
/// @param out receives the MAC (`.hex()` is Django's `.hexdigest()`).
/// @return as `salted_hmac_key`.
/// @code
/// mac_bytes mac;
/// salted_hmac(hash_algorithm::sha256, "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
///             user.password, secret_key, mac);
/// std::string session_hash = mac.hex();
/// @endcode
inline std::error_code salted_hmac(hash_algorithm algorithm, std::string_view key_salt, std::string_view value,
                                   std::string_view secret, mac_bytes& out) noexcept {
    mac_bytes key;
    std::error_code ec = salted_hmac_key(algorithm, key_salt, secret, key);
    if (!ec) ec = crypto::detail::hmac_once(algorithm, key.view(), value, out);
    OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
    return ec;
}

/// `salted_hmac` with the key derived once, for one (key salt, secret) pair applied to
/// many values: the signer's keys, the session auth hash.
///
/// SHA-256 and SHA-512 keep a keyed OpenSSL context (`crypto::hmac`, shared by threads);
/// SHA-1 keeps the derived key and runs a one-shot HMAC. Thread-safe; movable, not
/// copyable. The derived key is wiped on destruction.
///
/// @code
/// salted_mac mac{hash_algorithm::sha256, "django.contrib.sessions.SessionStoresigner", secret_key};
/// mac_bytes tag;
/// if (auto ec = mac.compute(value, tag)) return ec;
/// @endcode
class salted_mac {
public:
    /// Derives the key. @throws std::system_error if OpenSSL fails.
    salted_mac(hash_algorithm algorithm, std::string_view key_salt, std::string_view secret) : algorithm_(algorithm) {
        if (auto ec = init(key_salt, secret)) throw std::system_error(ec, "salted_hmac key");
    }

    salted_mac(salted_mac&&) noexcept = default;
    salted_mac& operator=(salted_mac&&) noexcept = default;
    ~salted_mac() { OPENSSL_cleanse(key_.bytes.data(), key_.bytes.size()); }

    hash_algorithm algorithm() const noexcept { return algorithm_; }

    /// The MAC of `value`. @return `errc::openssl_failure` if OpenSSL fails.
    std::error_code compute(std::string_view value, mac_bytes& out) const noexcept {
        if (!keyed_) return crypto::detail::hmac_once(algorithm_, key_.view(), value, out);
        std::span<unsigned char, hmac::max_size> buf{out.bytes.data(), hmac::max_size};
        if (auto ec = keyed_->compute(value, buf)) return ec;
        out.size = keyed_->size();
        return {};
    }

private:
    std::error_code init(std::string_view key_salt, std::string_view secret) {
        mac_bytes key;
        if (auto ec = salted_hmac_key(algorithm_, key_salt, secret, key)) return ec;
        std::error_code ec;
        if (algorithm_ == hash_algorithm::sha1) key_ = key;
        else keyed_.emplace(algorithm_ == hash_algorithm::sha256 ? hmac_hash::sha256 : hmac_hash::sha512, key.view(), ec);
        OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
        return ec;
    }

    hash_algorithm algorithm_;
    std::optional<hmac> keyed_;
    mac_bytes key_;
};

/// The alphabet of Django's base62 (`django.utils.baseconv.base62`, later `signing.b62_encode`).
inline constexpr std::string_view base62_chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Django's base62 encoding of an integer (a `-` before negative numbers, as Django).
/// @code
/// assert(base62_encode(1'700'000'000) == "1r31eq");
/// @endcode
inline std::string base62_encode(std::int64_t n) {
    char buf[13];   // 62^11 > 2^63, plus the sign
    std::size_t i = sizeof buf;
    // In unsigned arithmetic, so that INT64_MIN has a magnitude.
    std::uint64_t m = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
    do {
        buf[--i] = base62_chars[m % 62];
        m /= 62;
    } while (m != 0);
    if (n < 0) buf[--i] = '-';
    return std::string(buf + i, sizeof buf - i);
}

/// Decodes canonical non-negative base62: digits of `base62_chars` only, no sign, no
/// leading zero (except "0" itself), at most 2^63 - 1. Django decodes more loosely
/// (leading zeros, a `-`), but never produces those forms.
/// @return `signing_errc::bad_timestamp` otherwise (`out` unchanged).
inline std::error_code base62_decode(std::string_view text, std::int64_t& out) noexcept {
    if (text.empty() || (text.size() > 1 && text.front() == '0')) return signing_errc::bad_timestamp;
    std::uint64_t n = 0;
    for (char c : text) {
        unsigned d;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'A' && c <= 'Z') d = static_cast<unsigned>(c - 'A') + 10;
        else if (c >= 'a' && c <= 'z') d = static_cast<unsigned>(c - 'a') + 36;
        else return signing_errc::bad_timestamp;
        if (n > (static_cast<std::uint64_t>(INT64_MAX) - d) / 62) return signing_errc::bad_timestamp;
        n = n * 62 + d;
    }
    out = static_cast<std::int64_t>(n);
    return {};
}

/// A Django site's secrets.
struct secret_keys {
    /// `SECRET_KEY`: signs, and verifies. Must not be empty (Django refuses an empty one too).
    std::string secret;
    /// `SECRET_KEY_FALLBACKS` (Django 4.1): verify only, tried in order after `secret`.
    std::vector<std::string> fallbacks{};
};

/// What a signer accepts besides HMAC-SHA-256 with one of its secrets.
struct signer_options {
    /// Also accept HMAC-SHA-1 signatures made with the current secret: Django 3.2's
    /// `Signer.legacy_algorithm`, which Django 4.0 removed. SHA-1 is never used to sign.
    bool accept_legacy_sha1 = true;
};

/// Django's `Signer` with separator `:`: `sign(v)` is `v:` followed by the unpadded
/// base64url HMAC-SHA-256 of `v` under `salted_hmac(salt + "signer", ..., secret)`.
///
/// Keys are derived once, at construction. Thread-safe; movable, not copyable.
///
/// @code
/// signer s{{.secret = key}, "my.salt"};
/// std::string token;
/// s.sign("hello", token);                       // "hello:<43 characters>"
/// std::string_view value;
/// if (auto ec = s.unsign(token, value)) return ec;   // value == "hello"
/// @endcode
class signer {
public:
    /// Django's default salt for a plain `Signer()`.
    static constexpr std::string_view default_salt = "django.core.signing.Signer";

    /// Derives the keys of `keys.secret`, then of each fallback.
    /// @throws std::invalid_argument for an empty secret; std::system_error if OpenSSL fails.
    explicit signer(const secret_keys& keys, std::string_view salt = default_salt, signer_options options = {}) {
        if (keys.secret.empty()) throw std::invalid_argument("signer: the secret key must not be empty");
        const std::string key_salt = std::string(salt) + "signer";
        keys_.reserve(1 + keys.fallbacks.size());
        keys_.emplace_back(hash_algorithm::sha256, key_salt, keys.secret);
        for (const auto& f : keys.fallbacks) keys_.emplace_back(hash_algorithm::sha256, key_salt, f);
        if (options.accept_legacy_sha1) legacy_.emplace(hash_algorithm::sha1, key_salt, keys.secret);
    }

    /// The signature of `value` (43 characters of base64url) into `out`.
    /// @return `errc::openssl_failure` if OpenSSL fails.
    std::error_code signature(std::string_view value, std::string& out) const {
        mac_bytes mac;
        if (auto ec = keys_.front().compute(value, mac)) return ec;
        out = base64url_encode(mac.view());
        return {};
    }

    /// `value:signature` into `out`. @return as `signature`.
    std::error_code sign(std::string_view value, std::string& out) const {
        std::string sig;
        if (auto ec = signature(value, sig)) return ec;
        out.reserve(value.size() + 1 + sig.size());
        out.assign(value).append(1, ':').append(sig);
        return {};
    }

    /// Checks `signed_value` (split at its last `:`) and sets `value` to the part before
    /// the signature (a view into `signed_value`).
    /// @return `signing_errc::malformed` without a `:`; `signing_errc::bad_signature`
    ///         when no key matches; `errc::openssl_failure` if OpenSSL failed and no key matched.
    std::error_code unsign(std::string_view signed_value, std::string_view& value) const noexcept {
        const auto sep = signed_value.rfind(':');
        if (sep == std::string_view::npos) return signing_errc::malformed;
        const std::string_view v = signed_value.substr(0, sep), sig = signed_value.substr(sep + 1);
        bool failed = false;
        for (const auto& k : keys_)
            if (matches(k, v, sig, failed)) {
                value = v;
                return {};
            }
        if (legacy_ && matches(*legacy_, v, sig, failed)) {
            value = v;
            return {};
        }
        return failed ? std::error_code{errc::openssl_failure} : std::error_code{signing_errc::bad_signature};
    }

private:
    // Compares base64url text as Django does (whole strings), after encoding the expected
    // MAC into a stack buffer: no allocation on the verify path.
    static bool matches(const salted_mac& key, std::string_view value, std::string_view sig, bool& failed) noexcept {
        mac_bytes mac;
        if (key.compute(value, mac)) {
            failed = true;
            return false;
        }
        char expected[(hmac::max_size + 2) / 3 * 4];
        const std::size_t n = crypto::detail::b64_encode_into(mac.view(), crypto::detail::b64_url_chars, false, expected);
        return constant_time_equal({expected, n}, sig);
    }

    std::vector<salted_mac> keys_;
    std::optional<salted_mac> legacy_;
};

/// The result of `timestamp_signer::unsign`.
struct unsigned_value {
    /// The signed value, without timestamp and signature (a view into the signed string).
    std::string_view value;
    /// When it was signed, in seconds since the Unix epoch.
    std::int64_t timestamp = 0;
};

/// Optional checks of `timestamp_signer::unsign`.
struct unsign_options {
    /// Refuse values signed longer ago than this (Django's `max_age`): `signature_expired`.
    std::optional<std::chrono::system_clock::duration> max_age{};
    /// The current time for `max_age`; the system clock when empty.
    std::optional<std::chrono::system_clock::time_point> now{};
};

/// Django's `TimestampSigner`: `sign(v)` signs `v:<base62 seconds since the epoch>`.
///
/// @code
/// timestamp_signer s{{.secret = key}};
/// std::string token;
/// s.sign("hello", std::chrono::system_clock::now(), token);
/// unsigned_value u;
/// if (auto ec = s.unsign(token, u, {.max_age = std::chrono::minutes{10}})) return ec;
/// @endcode
class timestamp_signer {
public:
    /// Django's default salt for a plain `TimestampSigner()`.
    static constexpr std::string_view default_salt = "django.core.signing.TimestampSigner";

    /// As `signer`'s constructor.
    explicit timestamp_signer(const secret_keys& keys, std::string_view salt = default_salt,
                              signer_options options = {})
        : signer_(keys, salt, options) {}

    /// `value:timestamp:signature` into `out`, the timestamp being `now` in whole seconds
    /// (Django's `int(time.time())`). @return `errc::openssl_failure` if OpenSSL fails.
    std::error_code sign(std::string_view value, std::chrono::system_clock::time_point now, std::string& out) const {
        const auto seconds = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
        std::string timestamped;
        timestamped.reserve(value.size() + 12);
        timestamped.assign(value).append(1, ':').append(base62_encode(seconds));
        return signer_.sign(timestamped, out);
    }

    /// Checks the signature, then the timestamp, then `options.max_age`.
    /// @return the errors of `signer::unsign`; `signing_errc::malformed` when the signed
    ///         part has no timestamp; `signing_errc::bad_timestamp`;
    ///         `signing_errc::signature_expired` when older than `max_age` (a timestamp in
    ///         the future is not refused, as in Django).
    std::error_code unsign(std::string_view signed_value, unsigned_value& out,
                           const unsign_options& options = {}) const noexcept {
        std::string_view timestamped;
        if (auto ec = signer_.unsign(signed_value, timestamped)) return ec;
        const auto sep = timestamped.rfind(':');
        if (sep == std::string_view::npos) return signing_errc::malformed;
        std::int64_t timestamp = 0;
        if (auto ec = base62_decode(timestamped.substr(sep + 1), timestamp)) return ec;
        if (options.max_age) {
            // Django: time.time() - timestamp > max_age, in floating point seconds; a
            // duration in nanoseconds would overflow for timestamps past 2262.
            using fsec = std::chrono::duration<double>;
            const auto now = options.now.value_or(std::chrono::system_clock::now());
            const double age = fsec(now.time_since_epoch()).count() - static_cast<double>(timestamp);
            if (age > fsec(*options.max_age).count()) return signing_errc::signature_expired;
        }
        out.value = timestamped.substr(0, sep);
        out.timestamp = timestamp;
        return {};
    }

private:
    signer signer_;
};

/// The default `loads_options::max_payload_size`: 4 MiB, far above any session.
inline constexpr std::size_t default_max_payload_size = std::size_t{4} << 20;

/// Options of `dumps`.
struct dumps_options {
    /// Compress with zlib when that makes the payload shorter by at least two bytes
    /// (Django's `compress=True`; sessions use it).
    bool compress = false;
    /// The signing time; the system clock when empty.
    std::optional<std::chrono::system_clock::time_point> now{};
};

/// Options of `loads`.
struct loads_options {
    /// As `unsign_options::max_age`.
    std::optional<std::chrono::system_clock::duration> max_age{};
    /// As `unsign_options::now`.
    std::optional<std::chrono::system_clock::time_point> now{};
    /// Largest payload accepted, before and after decompression.
    std::size_t max_payload_size = default_max_payload_size;
};

/// Django's `signing.dumps` for an already serialised payload (Django's `JSONSerializer`
/// output: compact JSON, ASCII only).
///
/// @param signer a `timestamp_signer` with the salt of the use (`dumps(salt=...)`).
/// @param payload the bytes to sign.
/// @param out receives `[.]base64url(payload or its zlib compression):timestamp:signature`.
/// @return `signing_errc::compression_failed`, `errc::openssl_failure`.
/// @code
/// std::string session_data;
/// dumps(session_signer, R"({"_auth_user_id":"1"})", session_data, {.compress = true, .now = clock.now()});
/// @endcode
inline std::error_code dumps(const timestamp_signer& signer, std::string_view payload, std::string& out,
                             const dumps_options& options = {}) {
    std::string compressed;
    bool use_compressed = false;
    if (options.compress) {
        if (!crypto::detail::zlib_compress(payload, compressed)) return signing_errc::compression_failed;
        // Django: len(compressed) < len(data) - 1.
        use_compressed = compressed.size() + 1 < payload.size();
    }
    std::string encoded;
    if (use_compressed) encoded.push_back('.');
    crypto::detail::b64_encode(use_compressed ? std::string_view(compressed) : payload, crypto::detail::b64_url_chars,
                               false, encoded);
    return signer.sign(encoded, options.now.value_or(std::chrono::system_clock::now()), out);
}

/// Django's `signing.loads` up to the serialiser: checks the signature (and `max_age`),
/// then decodes and, when marked with `.`, decompresses the payload into `payload`.
///
/// @return the errors of `timestamp_signer::unsign`; `signing_errc::bad_payload`,
///         `signing_errc::bad_compressed_payload`, `signing_errc::payload_too_large`.
///         `payload` is cleared on error. Throws only `std::bad_alloc`.
inline std::error_code loads(const timestamp_signer& signer, std::string_view signed_value, std::string& payload,
                             const loads_options& options = {}) {
    payload.clear();
    unsigned_value u;
    if (auto ec = signer.unsign(signed_value, u, {.max_age = options.max_age, .now = options.now})) return ec;
    std::string_view encoded = u.value;
    const bool compressed = !encoded.empty() && encoded.front() == '.';
    if (compressed) encoded.remove_prefix(1);
    if (encoded.size() / 4 * 3 > options.max_payload_size) return signing_errc::payload_too_large;
    std::string raw;
    if (base64url_decode(encoded, raw)) return signing_errc::bad_payload;
    if (!compressed) {
        if (raw.size() > options.max_payload_size) return signing_errc::payload_too_large;
        payload = std::move(raw);
        return {};
    }
    switch (crypto::detail::zlib_decompress(raw, options.max_payload_size, payload)) {
    case crypto::detail::inflate_status::ok: return {};
    case crypto::detail::inflate_status::too_large: payload.clear(); return signing_errc::payload_too_large;
    case crypto::detail::inflate_status::bad: break;
    }
    payload.clear();
    return signing_errc::bad_compressed_payload;
}

} // namespace warden::crypto::django

#endif
