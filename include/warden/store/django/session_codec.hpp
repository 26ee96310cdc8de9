/// @file
/// Django's `django_session.session_data` for the database backend. (The session auth
/// hash that ties a login session to the user's password is `session::auth_hasher`.)
///
/// `session_codec` encodes exactly as Django 3.2 to 5.x do (`SessionStore.encode`:
/// `signing.dumps(dict, salt="django.contrib.sessions.SessionStore",
/// serializer=JSONSerializer, compress=True)`), byte for byte for the same dict and
/// timestamp, and decodes what they write. Decoding also accepts, unless turned off in
/// `session_codec_options`:
/// - Django 3.2's legacy forms: signatures made with HMAC-SHA-1, and the pre-3.1
///   `base64(hexhash:json)` form (hash: `salted_hmac` SHA-1 with key salt
///   `django.contrib.sessionsSessionStore`), both with the current secret only, as 3.2;
/// - data signed with any of the fallback secrets (Django 4.1's `SECRET_KEY_FALLBACKS`).
///
/// Django answers undecodable data with an empty session; here every failure is an
/// error code (`crypto::django::signing_errc` or `django::session_errc`) and the caller
/// treats the session as empty (anonymous).
///
/// @code
/// using namespace warden;
/// django::session_codec codec{{.secret = settings.secret_key, .fallbacks = old_keys}};
/// session::auth_hasher hasher{settings.secret_key, old_keys};
///
/// // At login, what Django's login() stores:
/// std::string data;
/// codec.encode(django::auth_session(std::to_string(user.id), hasher.hash(user.password)), data, clock.now());
///
/// // Per request:
/// boost::json::object session;
/// if (codec.decode(row.session_data, session)) return anonymous;
/// auto* stored = session.if_contains(django::session_hash_key);
/// if (!stored || !stored->is_string() ||
///     !hasher.matches(user.password, stored->get_string()))
///     return anonymous;   // the password changed since login: Django flushes the session
/// @endcode
#ifndef WARDEN_STORE_DJANGO_SESSION_CODEC_HPP
#define WARDEN_STORE_DJANGO_SESSION_CODEC_HPP

#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/django_signing.hpp>
#include <warden/core/detail/python_json.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::django {

/// Why session data was refused after its signature verified.
enum class session_errc {
    bad_json = 1,   ///< The payload is not JSON Boost.JSON reads (or nests deeper than 64).
    not_an_object,  ///< The payload is JSON but not an object.
    unserializable, ///< encode: a value Django's JSON serializer cannot write the same way.
};

/// The category of `session_errc`; messages never contain session content.
inline const std::error_category& session_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.django_session"; }
        std::string message(int ev) const override {
            switch (static_cast<session_errc>(ev)) {
            case session_errc::bad_json: return "the session payload is not valid JSON";
            case session_errc::not_an_object: return "the session payload is not a JSON object";
            case session_errc::unserializable:
                return "the session holds a value Django's JSON serializer cannot write "
                       "(a non-finite number, a string that is not UTF-8, or nesting deeper than 64)";
            }
            return "unknown session error";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(session_errc e) noexcept { return {static_cast<int>(e), session_category()}; }

} // namespace warden::django

template <>
struct std::is_error_code_enum<warden::django::session_errc> : std::true_type {};

namespace warden::django {

/// The salt of `signing.dumps` for the database backend (`SessionStore.key_salt`).
inline constexpr std::string_view session_key_salt = "django.contrib.sessions.SessionStore";
/// The key salt of the pre-3.1 form's hash (`SessionBase._hash`).
inline constexpr std::string_view legacy_session_key_salt = "django.contrib.sessionsSessionStore";

/// `django.contrib.auth.SESSION_KEY`: the user's primary key, as a string.
inline constexpr std::string_view session_user_id_key = "_auth_user_id";
/// `BACKEND_SESSION_KEY`: the dotted path of the authentication backend.
inline constexpr std::string_view session_backend_key = "_auth_user_backend";
/// `HASH_SESSION_KEY`: the session auth hash at login.
inline constexpr std::string_view session_hash_key = "_auth_user_hash";
/// Django's default (and DRF's usual) authentication backend.
inline constexpr std::string_view model_backend = "django.contrib.auth.backends.ModelBackend";

/// The session dict Django's `login()` writes, with its keys in Django's order (the
/// order matters for a byte-identical encoding).
/// @code
/// auto session = warden::django::auth_session("42", hasher.hash(user.password));
/// @endcode
inline boost::json::object auth_session(std::string_view user_id, std::string_view auth_hash,
                                        std::string_view backend = model_backend) {
    boost::json::object o;
    o.emplace(session_user_id_key, user_id);
    o.emplace(session_backend_key, backend);
    o.emplace(session_hash_key, auth_hash);
    return o;
}

/// Options of `session_codec`.
struct session_codec_options {
    /// Accept Django 3.2's legacy forms when decoding (SHA-1 signatures, the pre-3.1
    /// form). Turn off once no Django 3.x remains and no session is older than 3.1.
    bool accept_legacy = true;
    /// Largest payload accepted when decoding, before and after decompression.
    std::size_t max_payload_size = crypto::django::default_max_payload_size;
};

/// Encodes and decodes `session_data` as Django's database session backend does.
///
/// Keys are derived once, at construction. Thread-safe; movable, not copyable.
class session_codec {
public:
    /// @throws std::invalid_argument for an empty secret; std::system_error if OpenSSL fails.
    explicit session_codec(const crypto::django::secret_keys& keys, session_codec_options options = {})
        : signer_(keys, session_key_salt, {.accept_legacy_sha1 = options.accept_legacy}), options_(options) {
        if (options.accept_legacy) legacy_.emplace(crypto::hash_algorithm::sha1, legacy_session_key_salt, keys.secret);
    }

    /// Django's `SessionStore.encode(session)`: compact JSON (ASCII, `\uXXXX` escapes,
    /// Python's float formatting), zlib-compressed when that is shorter, signed with the
    /// current secret at `now`.
    /// @return `session_errc::unserializable` for a non-finite number, a string (or key)
    ///         that is not UTF-8, or nesting deeper than 64; the errors of
    ///         `crypto::django::dumps`. `out` is unchanged on error.
    std::error_code encode(const boost::json::object& session, std::string& out,
                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const {
        std::string json;
        if (!warden::detail::py_dump(session, json, max_depth)) return session_errc::unserializable;
        std::string signed_data;
        if (auto ec = crypto::django::dumps(signer_, json, signed_data, {.compress = true, .now = now})) return ec;
        out = std::move(signed_data);
        return {};
    }

    /// Django's `SessionStore.decode(session_data)`, with errors instead of `{}`.
    /// @return `crypto::django::signing_errc` (bad signature, malformed, bad payload,
    ///         payload too large, ...), `session_errc::bad_json`,
    ///         `session_errc::not_an_object`. `out` is cleared on error. Throws only
    ///         `std::bad_alloc`.
    std::error_code decode(std::string_view session_data, boost::json::object& out) const {
        out.clear();
        std::string payload;
        std::error_code ec;
        // The signed form always has ':'; the legacy form is standard base64, which never does.
        if (session_data.find(':') != std::string_view::npos || !legacy_)
            ec = crypto::django::loads(signer_, session_data, payload, {.max_payload_size = options_.max_payload_size});
        else
            ec = decode_legacy(session_data, payload);
        if (ec) return ec;
        boost::json::value v;
        if (!parse_latin1_json(payload, v)) return session_errc::bad_json;
        if (!v.is_object()) return session_errc::not_an_object;
        out = std::move(v.get_object());
        return {};
    }

private:
    // Both ways, so that nothing is written that could not be read back; Python's own
    // limit is its recursion limit (about 1000), and no session comes near either.
    static constexpr std::size_t max_depth = 64;

    // json.loads(data.decode('latin-1')): each byte is one code point. Django writes only
    // ASCII, but reads a byte >= 0x80 as Latin-1, so such bytes are transcoded to UTF-8
    // for Boost.JSON, which reads UTF-8.
    static bool parse_latin1_json(std::string_view latin1, boost::json::value& out) {
        std::string utf8;
        const auto high = std::find_if(latin1.begin(), latin1.end(), [](char c) { return c & 0x80; });
        if (high != latin1.end()) {
            utf8.reserve(latin1.size() * 2);
            for (char ch : latin1) {
                const auto c = static_cast<unsigned char>(ch);
                if (c < 0x80) utf8.push_back(ch);
                else utf8.append({static_cast<char>(0xc0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3f))});
            }
            latin1 = utf8;
        }
        boost::json::parse_options opt;
        opt.max_depth = max_depth;
        boost::json::error_code ec;
        out = boost::json::parse(latin1, ec, {}, opt);
        return !ec;
    }

    std::error_code decode_legacy(std::string_view session_data, std::string& payload) const {
        if (session_data.size() / 4 * 3 > options_.max_payload_size)
            return crypto::django::signing_errc::payload_too_large;
        std::string raw;
        if (crypto::base64_decode(session_data, raw)) return crypto::django::signing_errc::bad_payload;
        const auto sep = raw.find(':');
        if (sep == std::string::npos) return crypto::django::signing_errc::malformed;
        const std::string_view hash = std::string_view(raw).substr(0, sep);
        const std::string_view serialized = std::string_view(raw).substr(sep + 1);
        crypto::django::mac_bytes mac;
        if (auto ec = legacy_->compute(serialized, mac)) return ec;
        if (!crypto::constant_time_equal(hash, mac.hex())) return crypto::django::signing_errc::bad_signature;
        payload.assign(serialized);
        return {};
    }

    crypto::django::timestamp_signer signer_;
    std::optional<crypto::django::salted_mac> legacy_;
    session_codec_options options_;
};

} // namespace warden::django

#endif
