/// @file
/// Who made a request: `user` (as stored, or anonymous) and `auth_info` (what proved it).
#ifndef WARDEN_CORE_IDENTITY_HPP
#define WARDEN_CORE_IDENTITY_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace boost::json { class object; }

namespace warden {

/// A user account, with the fields of Django's `auth.User` that warden uses.
///
/// `password` holds the encoded hash (`pbkdf2_sha256$...`), never a clear password.
/// Times are seconds since the Unix epoch; 0 means never (last_login) or unknown.
struct user {
    std::int64_t id = 0;
    std::string username;
    std::string email;
    std::string password;
    /// Django's first_name and last_name: kept by the Django schema mode
    /// (warden/store/django/) and the memory store; the SQL stores' own schema has no
    /// columns for them.
    std::string first_name;
    std::string last_name;
    bool is_active = true;
    bool is_staff = false;
    bool is_superuser = false;
    std::int64_t date_joined = 0;
    std::int64_t last_login = 0;

    /// False only for the anonymous user a request has before authentication succeeds.
    bool is_authenticated() const noexcept { return !anonymous_; }
    bool is_anonymous() const noexcept { return anonymous_; }

    /// The shared anonymous user (id 0, empty names, inactive).
    static const std::shared_ptr<const user>& anonymous() {
        static const std::shared_ptr<const user> a = [] {
            auto u = std::make_shared<user>();
            u->is_active = false;
            u->anonymous_ = true;
            return std::shared_ptr<const user>(std::move(u));
        }();
        return a;
    }

private:
    bool anonymous_ = false;
};

/// What authenticated a request (DRF's `request.auth`).
struct auth_info {
    /// Scheme name of the authenticator that succeeded: "token", "session", "jwt",
    /// "basic", or a custom authenticator's; empty when none did.
    std::string_view scheme;
    /// An identifier of the credential that is not the credential itself: the token's
    /// digest prefix, the JWT's `jti`, the session's id hash. Never a secret.
    std::string credential_id;
    /// The validated JWT claims when `scheme` is "jwt", else null.
    const boost::json::object* claims = nullptr;
    /// Expiry of the credential (seconds since the epoch), 0 if none.
    std::int64_t expires_at = 0;
};

} // namespace warden

#endif
