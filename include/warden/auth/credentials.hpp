/// @file
/// Username and password checking as Django's `authenticate()` with ModelBackend does
/// it: the same cost for an unknown user as for a wrong password, inactive users
/// refused, and weak stored hashes upgraded on a successful check.
#ifndef WARDEN_AUTH_CREDENTIALS_HPP
#define WARDEN_AUTH_CREDENTIALS_HPP

#include <warden/core/detail/json_write.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/password.hpp>
#include <warden/store/user_updates.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace warden {

/// The password policy an app's settings ask for.
inline crypto::password_policy password_policy_of(const settings& s) noexcept {
    crypto::password_policy p;
    p.iterations = s.password.iterations;
    for (auto a : {crypto::password_algorithm::pbkdf2_sha256, crypto::password_algorithm::pbkdf2_sha1,
                   crypto::password_algorithm::argon2, crypto::password_algorithm::bcrypt_sha256})
        if (crypto::password_algorithm_name(a) == s.password.hasher) p.algorithm = a;
    return p;
}

/// Checks a username and password against the user store.
///
/// Returns the user when the password matches and the account is active; otherwise
/// null, after the same PBKDF2 work whatever the reason (unknown user, wrong password,
/// inactive account), so timing does not reveal which usernames exist. On success a
/// hash weaker than the current policy (fewer iterations, SHA-1) is replaced.
///
/// A username or password holding a NUL character never matches: HMAC pads its key
/// with zeros, so PBKDF2 would take `pw\0` for `pw` (Django's forms refuse NUL before
/// hashing; Basic authentication has no form, so the refusal lives here). Nor does a
/// username that is not UTF-8.
///
/// This runs PBKDF2 (about a second at 1,000,000 iterations): policies and views that
/// call it declare `static constexpr bool may_block = true;` so the server runs them
/// off the I/O threads.
///
/// @param ec set, with null returned, when the user store failed: the caller answers
///        503 (`errors::service_unavailable()`), never "invalid credentials". A failed
///        hash upgrade is not reported: the old hash still works.
/// @code
/// std::error_code ec;
/// auto u = warden::check_credentials(ctx.template get<warden::users_tag>(), ctx.settings(), name, password, ec);
/// if (ec) return errors::service_unavailable();
/// if (!u) return errors::authentication_failed("Invalid username/password.");
/// @endcode
template <class Users>
std::shared_ptr<const user> check_credentials(Users& users, const settings& s, std::string_view username,
                                             std::string_view password, std::error_code& ec) {
    const auto policy = password_policy_of(s);
    const bool has_nul = username.find('\0') != std::string_view::npos || password.find('\0') != std::string_view::npos;
    std::shared_ptr<const user> u;
    // A username that is not UTF-8 names no account (Django decodes the request first);
    // a database that stores text as UTF-8 (PostgreSQL) would refuse the query.
    if (!has_nul && detail::is_valid_utf8(username)) {
        u = users.find_user_by_username(username, ec);
        if (ec) return nullptr;
    }
    if (!u) {
        (void)crypto::simulate_password_check(policy);
        return nullptr;
    }
    auto check = crypto::check_password(password, u->password, policy);
    if (!check.valid || !u->is_active) return nullptr;
    if (check.must_update) {
        user updated = *u;
        if (!crypto::make_password(password, updated.password, policy) && !set_user_password(users, *u, updated.password))
            u = std::make_shared<const user>(std::move(updated));
    }
    return u;
}

} // namespace warden

#endif
