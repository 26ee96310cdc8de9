/// @file
/// What the Django schema mode's stores (`warden::django::sqlite_store`,
/// `warden::django::postgres_store`) need to know of the Django site whose database they
/// share, with the names of the Django settings they mirror, and the tables they read
/// and write.
#ifndef WARDEN_STORE_DJANGO_OPTIONS_HPP
#define WARDEN_STORE_DJANGO_OPTIONS_HPP

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden::django {

/// The Django site's settings that decide how its tables and sessions read.
struct site_options {
    /// `SECRET_KEY` (required): session data is signed with it.
    std::string secret_key;
    /// `SECRET_KEY_FALLBACKS` (Django 4.1): session data signed with one of these still reads.
    std::vector<std::string> secret_key_fallbacks{};
    /// The table of `AUTH_USER_MODEL`: Django names it `<app_label>_<model name in lower
    /// case>` (`auth_user` for `auth.User`; `accounts_user` for `accounts.User`). The model
    /// must have the columns of `AbstractUser` (username, first_name, last_name, email,
    /// password, is_staff, is_active, is_superuser, last_login, date_joined).
    std::string user_table = "auth_user";
    /// `AUTHENTICATION_BACKENDS`: a session logged in through a backend not listed here is
    /// anonymous (as in Django); warden's logins record the first.
    std::vector<std::string> authentication_backends{"django.contrib.auth.backends.ModelBackend"};
    /// Read Django 3.2's legacy session forms (SHA-1 signatures, the pre-3.1 encoding).
    bool accept_legacy_sessions = true;
};

/// DRF's token table (`rest_framework.authtoken`).
inline constexpr std::string_view token_table = "authtoken_token";
/// Django's session table (`django.contrib.sessions`, the database backend).
inline constexpr std::string_view session_table = "django_session";
/// simplejwt's tables (`rest_framework_simplejwt.token_blacklist`).
inline constexpr std::string_view outstanding_table = "token_blacklist_outstandingtoken";
inline constexpr std::string_view blacklisted_table = "token_blacklist_blacklistedtoken";

/// The application that creates each table, for the message naming a missing one.
inline std::string_view app_of(std::string_view table) noexcept {
    if (table == token_table) return "rest_framework.authtoken";
    if (table == session_table) return "django.contrib.sessions";
    if (table == outstanding_table || table == blacklisted_table) return "rest_framework_simplejwt.token_blacklist";
    return "django.contrib.auth (or the app of AUTH_USER_MODEL)";
}

/// Why a store refuses to start over a database that lacks `table`: Django's migrations
/// own the schema, and warden never creates or alters a table of it.
inline std::string missing_table_message(std::string_view table) {
    return "the Django table " + std::string(table) + " does not exist: run `python manage.py migrate` on the Django " +
           "site (with " + std::string(app_of(table)) + " in INSTALLED_APPS); warden never creates Django's tables";
}

/// The stores' SQL with the user table's name put in for each `{u}`.
template <std::size_t N>
std::vector<std::string> with_user_table(const std::array<std::string_view, N>& sql, std::string_view users) {
    std::vector<std::string> out;
    out.reserve(N);
    for (auto t : sql) {
        std::string s(t);
        for (auto at = s.find("{u}"); at != std::string::npos; at = s.find("{u}", at)) s.replace(at, 3, users);
        out.push_back(std::move(s));
    }
    return out;
}

/// Checks what the stores put into SQL text: the user table's name must be a plain
/// identifier (Django's table names are).
/// @throws std::invalid_argument naming the rule.
inline void check_site_options(const site_options& o) {
    if (o.secret_key.empty())
        throw std::invalid_argument("warden::django: the Django SECRET_KEY is required (it signs the session data)");
    const auto& t = o.user_table;
    bool ok = !t.empty() && t.size() <= 63 && !(t[0] >= '0' && t[0] <= '9');
    for (char c : t) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok)
        throw std::invalid_argument("warden::django: the user table name \"" + t +
                                    "\" must be lower-case letters, digits and _ (Django's <app_label>_<model>)");
    if (o.authentication_backends.empty())
        throw std::invalid_argument("warden::django: AUTHENTICATION_BACKENDS must name at least one backend");
}

} // namespace warden::django

#endif
