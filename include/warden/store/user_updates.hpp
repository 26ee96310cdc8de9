/// @file
/// One-field changes to a stored user: the password hash (a hash upgrade, a password
/// change) and the last login. A store sharing its user table with another program (the
/// Django schema mode) changes only that column, so a concurrent change made elsewhere
/// (an account switched off in Django's admin) is never overwritten by a stale copy;
/// other stores rewrite the user from the copy given.
#ifndef WARDEN_STORE_USER_UPDATES_HPP
#define WARDEN_STORE_USER_UPDATES_HPP

#include <warden/core/identity.hpp>
#include <warden/store/concepts.hpp>

#include <cstdint>
#include <string>
#include <system_error>

namespace warden {

/// Stores `encoded` (a hash from `crypto::make_password`) as the password of `u`.
/// @return a store failure, or `store_errc::not_found` when the user is gone.
/// @code
/// if (auto ec = warden::set_user_password(users, *u, encoded)) return ec;
/// @endcode
template <class Users>
std::error_code set_user_password(Users& users, const user& u, std::string encoded) {
    if constexpr (user_field_backend<Users>) {
        return users.set_user_password(u.id, encoded);
    } else {
        user changed = u;
        changed.password = std::move(encoded);
        return users.update_user(changed);
    }
}

/// Records a login of `u` at `when` (Django's `update_last_login`).
template <class Users>
std::error_code record_login(Users& users, const user& u, std::int64_t when) {
    if constexpr (user_field_backend<Users>) {
        return users.set_last_login(u.id, when);
    } else {
        user changed = u;
        changed.last_login = when;
        return users.update_user(changed);
    }
}

} // namespace warden

#endif
