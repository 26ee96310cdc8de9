/// @file
/// `warden::jwt::key_service`: the app service that holds the JWT keys and the SIMPLE_JWT
/// settings, for `jwt_auth` and the token views.
///
/// A `key_service` is built once at start (keys parsed and checked then, never per request),
/// passed to the app beside the store, and shared by every request; copies are cheap
/// and share one immutable `token_backend`.
///
/// @code
/// warden::sqlite_store db{"warden.db"};
/// warden::jwt::settings cfg;                      // SIMPLE_JWT, simplejwt's defaults
/// cfg.rotate_refresh_tokens = cfg.blacklist_after_rotation = true;
/// auto site = warden::app<warden::route<"/api/token/", warden::jwt::token_obtain_pair>, ...>(
///     db, warden::settings::from_env(), warden::jwt::key_service::hs256(secret, cfg));
/// @endcode
#ifndef WARDEN_JWT_KEY_SERVICE_HPP
#define WARDEN_JWT_KEY_SERVICE_HPP

#include <warden/core/detail/etag.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>
#include <warden/jwt/simplejwt.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::jwt {

/// The JWT service of an app (it provides `warden::jwt_keys_tag`): the signing key,
/// the verifying key or key set, and the SIMPLE_JWT settings, as one immutable
/// `token_backend`.
///
/// Every factory checks the keys (type, size, curve; see key.hpp) and the settings
/// at start and throws when they are unusable: `std::system_error` with a
/// `jwt::errc` for keys (the message never contains key material), and
/// `std::invalid_argument` naming the setting for the rest:
/// - `user_id_field` must be "id" or "username" (the fields a user store looks up);
/// - `auth_header_types` must be non-empty, each one a non-empty word without spaces;
/// - `auth_token_types` must be non-empty and must not list `untyped`.
///
/// A verify-only service (a public key or a JWK Set without a signing key) serves
/// `jwt_auth` and `token_verify`; the views that mint tokens then fail with a 500, so
/// do not route them there.
///
/// @code
/// using namespace warden::jwt;
/// auto k1 = key_service::hs256(secret);                                   // SIGNING_KEY, >= 32 bytes
/// auto k2 = key_service::from_pem(algorithm::rs256, private_pem);         // signs and verifies
/// auto k3 = key_service::from_pem(algorithm::rs256, {}, public_pem);      // verifies only
/// auto k4 = key_service::from_files(algorithm::es256, "jwt.key", "jwt.pub");
/// auto k5 = key_service::from_jwks(published_jwks_json);                  // verifies by kid
/// @endcode
class key_service {
public:
    using provides = warden::provides<jwt_keys_tag>;
    /// Keys are in memory: using them never blocks.
    static constexpr bool blocking = false;

    /// Keys from `s.alg`, `s.signing_key` and `s.verifying_key` (see `jwt::settings`).
    /// @throws std::system_error (a `jwt::errc`) for unusable keys,
    ///         std::invalid_argument for unusable settings.
    explicit key_service(settings s) : backend_(make_backend(std::move(s))) { publish(); }

    /// Keys built by the caller: `signing` (may be empty on a verify-only service) and a
    /// verifying key set (each key bound to its own algorithm; selected by `kid`).
    key_service(settings s, key signing, key_set verifying) {
        check_settings(s);
        if (verifying.empty()) throw std::system_error(make_error_code(errc::no_key), "warden::jwt::key_service");
        backend_ = std::make_shared<const token_backend>(std::move(s), std::move(signing), std::move(verifying));
        publish();
    }

    /// An HMAC service: `secret` is SIMPLE_JWT's SIGNING_KEY (raw bytes; at least as long
    /// as the hash: 32, 48, 64 bytes, unless `s.allow_short_hmac_key`).
    static key_service hmac(algorithm alg, std::string_view secret, settings s = {}) {
        s.alg = alg;
        s.signing_key = std::string(secret);
        s.verifying_key.clear();
        return key_service(std::move(s));
    }
    /// HS256 with `secret` (simplejwt's default algorithm).
    static key_service hs256(std::string_view secret, settings s = {}) { return hmac(algorithm::hs256, secret, std::move(s)); }
    static key_service hs384(std::string_view secret, settings s = {}) { return hmac(algorithm::hs384, secret, std::move(s)); }
    static key_service hs512(std::string_view secret, settings s = {}) { return hmac(algorithm::hs512, secret, std::move(s)); }

    /// A public-key service from PEM (or JWK) text: `private_key` signs (empty on a
    /// verify-only service), `public_key` verifies (empty: the private key's public half).
    static key_service from_pem(algorithm alg, std::string_view private_key, std::string_view public_key = {}, settings s = {}) {
        s.alg = alg;
        s.signing_key = std::string(private_key);
        s.verifying_key = std::string(public_key);
        return key_service(std::move(s));
    }

    /// `from_pem()` with the keys read from files (PEM or JWK; an empty path is no key).
    /// @throws std::invalid_argument naming a file that cannot be read.
    static key_service from_files(algorithm alg, const std::string& private_key_path, const std::string& public_key_path = {},
                           settings s = {}) {
        return from_pem(alg, read_key_file(private_key_path), read_key_file(public_key_path), std::move(s));
    }

    /// A service verifying with a JWK Set (`{"keys":[...]}`, or one JWK), keys chosen by
    /// `kid`; JWKs without `alg` take `s.alg`. `signing` (optional) signs new tokens.
    static key_service from_jwks(std::string_view jwks, settings s = {}, key signing = {}, jwks_options opt = {}) {
        if (!opt.default_alg) opt.default_alg = s.alg;
        key_set set = key_set::from_jwks(jwks, opt);
        return key_service(std::move(s), std::move(signing), std::move(set));
    }

    /// A service whose keys others verify with (JWKS) and that rotates keys:
    /// `signing` signs (may be empty on a verify-only service), and it and every key of
    /// `published` verify tokens and are published by `jwks()` (the signing key first).
    /// A key without a `kid` gets its RFC 7638 thumbprint as `kid`, so every token
    /// names its key in its header and the JWK Set lists the key under that name.
    ///
    /// Rotation (docs/jwt.md): publish the next key first (`from_keys(s, current,
    /// {next})`), wait `s.jwks_max_age` so every consumer has it, then sign with it
    /// (`from_keys(s, next, {current})`: tokens signed with the old key still verify
    /// by its kid), and remove the old key once its last token has expired
    /// (`from_keys(s, next)`: a token naming it is then refused).
    ///
    /// @throws std::system_error (a `jwt::errc`) for an HMAC key without a `kid`, two
    ///         keys with the same `kid`, HMAC and public keys mixed, or no key at all;
    ///         std::invalid_argument for unusable settings.
    /// @code
    /// auto k = warden::jwt::key_service::from_keys(cfg, warden::jwt::key::from_pem(alg, current_pem),
    ///                                              {warden::jwt::key::from_pem(alg, next_public_pem)});
    /// @endcode
    static key_service from_keys(settings s, key signing, std::vector<key> published = {}) {
        key_set verifying;
        auto named = [](key k) {
            if (!k.kid().empty()) return k;
            std::string kid;
            if (auto ec = k.thumbprint(kid)) throw std::system_error(ec, "warden::jwt::key_service: a key without a kid");
            return k.with_kid(std::move(kid));
        };
        if (signing) {
            signing = named(std::move(signing));
            s.alg = signing.alg();
            if (auto ec = verifying.add(signing)) throw std::system_error(ec, "warden::jwt::key_service");
        }
        for (auto& k : published) {
            k = named(std::move(k));
            if (signing && k.kid() == signing.kid() && same_public_key(k, signing)) continue;   // listed again
            if (auto ec = verifying.add(std::move(k))) throw std::system_error(ec, "warden::jwt::key_service");
        }
        return key_service(std::move(s), std::move(signing), std::move(verifying));
    }

    /// The public JWK Set of the verifying keys (`key_set::to_public_jwks`), built once:
    /// what `jwt::jwks_view` serves. `{"keys":[]}` for an HMAC service.
    const std::string& jwks() const noexcept { return published_->json; }
    /// The entity tag of `jwks()`.
    const std::string& jwks_etag() const noexcept { return published_->etag; }

    /// The backend: encode, decode and validate tokens with these keys and settings.
    const token_backend& backend() const noexcept { return *backend_; }
    /// The SIMPLE_JWT settings.
    const settings& config() const noexcept { return backend_->config(); }
    /// True when these keys can mint tokens.
    bool can_sign() const noexcept { return backend_->signing_key().can_sign(); }

    /// `str(token)`: signs `t`. @throws std::system_error when the keys cannot sign.
    std::string encode(const token& t) const { return backend_->encode(t); }

    /// The `WWW-Authenticate` challenge of simplejwt's authenticator and views:
    /// `<AUTH_HEADER_TYPES[0]> realm="api"`.
    std::string challenge() const {
        std::string c = config().auth_header_types.front();
        c.append(" realm=\"api\"");
        return c;
    }

    /// Checks `s` as the constructors do. @throws std::invalid_argument.
    static void check_settings(const settings& s) {
        if (s.user_id_field != "id" && s.user_id_field != "username")
            throw std::invalid_argument("jwt::settings::user_id_field must be \"id\" or \"username\"");
        if (s.user_id_claim.empty()) throw std::invalid_argument("jwt::settings::user_id_claim must not be empty");
        if (s.auth_header_types.empty())
            throw std::invalid_argument("jwt::settings::auth_header_types must name at least one type (\"Bearer\")");
        for (const auto& t : s.auth_header_types)
            if (t.empty() || t.find_first_of(" \t\r\n\v\f") != std::string::npos)
                throw std::invalid_argument("jwt::settings::auth_header_types: each type is one word (\"Bearer\")");
        if (s.auth_token_types.empty())
            throw std::invalid_argument("jwt::settings::auth_token_types must list at least one token type");
        for (auto t : s.auth_token_types)
            if (t == token_type::untyped)
                throw std::invalid_argument("jwt::settings::auth_token_types cannot list untyped tokens");
    }

private:
    static std::shared_ptr<const token_backend> make_backend(settings s) {
        check_settings(s);
        std::error_code ec;
        auto b = std::make_shared<const token_backend>(std::move(s), ec);
        if (ec) throw std::system_error(ec, "warden::jwt::key_service");
        return b;
    }

    static std::string read_key_file(const std::string& path) {
        if (path.empty()) return {};
        std::ifstream f(path, std::ios::binary);
        if (!f) throw std::invalid_argument("cannot read the key file " + path);
        std::ostringstream text;
        text << f.rdbuf();
        return text.str();
    }

    static bool same_public_key(const key& a, const key& b) {
        std::string ta, tb;
        return !a.thumbprint(ta) && !b.thumbprint(tb) && ta == tb;
    }

    struct published_keys {
        std::string json, etag;
    };

    void publish() {
        auto p = std::make_shared<published_keys>();
        if (auto ec = backend_->verifying_keys().to_public_jwks(p->json)) throw std::system_error(ec, "warden::jwt::key_service");
        p->etag = warden::detail::entity_tag(p->json);
        published_ = std::move(p);
    }

    std::shared_ptr<const token_backend> backend_;
    std::shared_ptr<const published_keys> published_;
};

} // namespace warden::jwt

#endif
