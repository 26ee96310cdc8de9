/// @file
/// The Django schema mode's settings under the names the Django site gives them: read
/// from the environment (`django::site_settings::from_env()`), or set in code. One
/// place maps each Django and simplejwt setting to warden's (docs/django.md has the
/// table):
///
/// | Django / simplejwt setting          | environment variable              | warden                                     |
/// |-------------------------------------|-----------------------------------|--------------------------------------------|
/// | SECRET_KEY                          | DJANGO_SECRET_KEY (required)      | settings.secret_key, site.secret_key       |
/// | SECRET_KEY_FALLBACKS                | DJANGO_SECRET_KEY_FALLBACKS (a,b) | settings.secret_key_fallbacks, site        |
/// | SESSION_COOKIE_NAME                 | DJANGO_SESSION_COOKIE_NAME        | settings.session.cookie_name               |
/// | SESSION_COOKIE_AGE                  | DJANGO_SESSION_COOKIE_AGE         | settings.session.cookie_age                |
/// | CSRF_COOKIE_NAME                    | DJANGO_CSRF_COOKIE_NAME           | settings.csrf.cookie_name                  |
/// | AUTH_USER_MODEL                     | DJANGO_AUTH_USER_MODEL (app.Model)| site.user_table                            |
/// | AUTHENTICATION_BACKENDS             | DJANGO_AUTHENTICATION_BACKENDS    | site.authentication_backends               |
/// | PBKDF2 iterations of the release    | DJANGO_VERSION (3.2 ... 5.2)      | settings.password.iterations               |
/// | PASSWORD_HASHERS[0]                 | DJANGO_PASSWORD_HASHER            | settings.password.hasher                   |
/// | SIMPLE_JWT["SIGNING_KEY"]           | SIMPLE_JWT_SIGNING_KEY            | jwt.signing_key                            |
/// | SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] | SIMPLE_JWT_ACCESS_TOKEN_LIFETIME  | jwt.access_token_lifetime (seconds)        |
/// | SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]| SIMPLE_JWT_REFRESH_TOKEN_LIFETIME | jwt.refresh_token_lifetime (seconds)       |
/// | SIMPLE_JWT["ROTATE_REFRESH_TOKENS"] | SIMPLE_JWT_ROTATE_REFRESH_TOKENS  | jwt.rotate_refresh_tokens (0/1)            |
/// | SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"] | SIMPLE_JWT_BLACKLIST_AFTER_ROTATION | jwt.blacklist_after_rotation (0/1)   |
/// | SIMPLE_JWT["UPDATE_LAST_LOGIN"]     | SIMPLE_JWT_UPDATE_LAST_LOGIN      | jwt.update_last_login (0/1)                |
///
/// Unset variables keep Django's and simplejwt's defaults; the `WARDEN_*` variables of
/// `settings::from_env()` apply first, and the Django names win.
#ifndef WARDEN_APP_DJANGO_SETTINGS_HPP
#define WARDEN_APP_DJANGO_SETTINGS_HPP

#include <warden/core/detail/env.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/password_policy.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/django/options.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::django {

/// Django's default table of a model: `<app_label>_<model name in lower case>`
/// (`"auth.User"` → `auth_user`). @throws std::invalid_argument if `model` is not `app.Model`.
inline std::string user_table_of(std::string_view model) {
    const auto dot = model.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == model.size() || model.find('.', dot + 1) != std::string_view::npos)
        throw std::invalid_argument("AUTH_USER_MODEL: expected app_label.ModelName, e.g. accounts.User");
    std::string table;
    for (char c : model) table.push_back(c == '.' ? '_' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    return table;
}

/// The PBKDF2 iterations of a Django release named as "3.2" ... "5.2".
/// @throws std::invalid_argument for another text.
inline std::uint32_t pbkdf2_iterations_of(std::string_view release) {
    using crypto::django_version;
    constexpr std::pair<std::string_view, django_version> known[] = {
        {"3.2", django_version::v3_2}, {"4.0", django_version::v4_0}, {"4.1", django_version::v4_1},
        {"4.2", django_version::v4_2}, {"5.0", django_version::v5_0}, {"5.1", django_version::v5_1},
        {"5.2", django_version::v5_2}};
    for (auto [name, v] : known)
        if (release == name) return crypto::django_pbkdf2_iterations(v);
    throw std::invalid_argument("DJANGO_VERSION: expected one of 3.2, 4.0, 4.1, 4.2, 5.0, 5.1, 5.2");
}

/// Everything a warden service beside a Django site is configured with.
struct site_settings {
    /// The app's settings, with the Django site's secret, cookies and hasher work factor.
    warden::settings app;
    /// simplejwt's settings (SIMPLE_JWT), for `jwt::key_service`.
    jwt::settings jwt;
    /// What the Django schema stores need (the same secret, the user table, the backends).
    site_options site;

    /// Reads the variables of the file comment's table over `settings::from_env()`;
    /// `secret_key`, when given (a command-line option), wins over DJANGO_SECRET_KEY.
    /// @throws std::invalid_argument naming the variable when one is malformed, or when
    ///         there is no secret key.
    static site_settings from_env(std::string_view secret_key = {}) {
        using namespace warden::detail::env;
        site_settings out;
        out.app = warden::settings::from_env();
        auto secret = secret_key.empty() ? text("DJANGO_SECRET_KEY") : secret_key;
        if (secret.empty())
            throw std::invalid_argument("DJANGO_SECRET_KEY: required beside a Django site (its SECRET_KEY signs the sessions)");
        out.app.secret_key = secret;
        if (auto list = text("DJANGO_SECRET_KEY_FALLBACKS"); !list.empty()) {
            out.app.secret_key_fallbacks.clear();
            each_item(list, [&](std::string_view k) { out.app.secret_key_fallbacks.emplace_back(k); });
        }
        if (auto v = text("DJANGO_SESSION_COOKIE_NAME"); !v.empty()) out.app.session.cookie_name = v;
        out.app.session.cookie_age = number("DJANGO_SESSION_COOKIE_AGE", 1, INT64_C(1) << 40, out.app.session.cookie_age);
        if (auto v = text("DJANGO_CSRF_COOKIE_NAME"); !v.empty()) out.app.csrf.cookie_name = v;
        if (auto v = text("DJANGO_VERSION"); !v.empty()) out.app.password.iterations = pbkdf2_iterations_of(v);
        if (auto v = text("DJANGO_PASSWORD_HASHER"); !v.empty()) {
            if (v != "pbkdf2_sha256" && v != "pbkdf2_sha1" && v != "argon2" && v != "bcrypt_sha256")
                throw std::invalid_argument("DJANGO_PASSWORD_HASHER: expected pbkdf2_sha256, pbkdf2_sha1, argon2 or "
                                            "bcrypt_sha256 (the algorithm of PASSWORD_HASHERS[0])");
            out.app.password.hasher = v;
        }

        out.site.secret_key = out.app.secret_key;
        out.site.secret_key_fallbacks = out.app.secret_key_fallbacks;
        if (auto v = text("DJANGO_AUTH_USER_MODEL"); !v.empty()) out.site.user_table = user_table_of(v);
        if (auto list = text("DJANGO_AUTHENTICATION_BACKENDS"); !list.empty()) {
            out.site.authentication_backends.clear();
            each_item(list, [&](std::string_view b) { out.site.authentication_backends.emplace_back(b); });
        }
        check_site_options(out.site);

        // simplejwt's SIGNING_KEY defaults to SECRET_KEY.
        auto signing = text("SIMPLE_JWT_SIGNING_KEY");
        out.jwt.signing_key = signing.empty() ? out.app.secret_key : std::string(signing);
        out.jwt.access_token_lifetime =
            std::chrono::seconds(number("SIMPLE_JWT_ACCESS_TOKEN_LIFETIME", 1, INT64_C(1) << 32, out.jwt.access_token_lifetime.count()));
        out.jwt.refresh_token_lifetime =
            std::chrono::seconds(number("SIMPLE_JWT_REFRESH_TOKEN_LIFETIME", 1, INT64_C(1) << 32, out.jwt.refresh_token_lifetime.count()));
        out.jwt.rotate_refresh_tokens = flag("SIMPLE_JWT_ROTATE_REFRESH_TOKENS", out.jwt.rotate_refresh_tokens);
        out.jwt.blacklist_after_rotation = flag("SIMPLE_JWT_BLACKLIST_AFTER_ROTATION", out.jwt.blacklist_after_rotation);
        out.jwt.update_last_login = flag("SIMPLE_JWT_UPDATE_LAST_LOGIN", out.jwt.update_last_login);
        return out;
    }
};

} // namespace warden::django

#endif
