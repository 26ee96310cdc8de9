// What a session tells `req.auth()` once it authenticates a request (or a login opens
// it): the scheme, a fingerprint of the id (never the id) and the expiry.
#ifndef WARDEN_SESSION_DETAIL_SESSION_INFO_HPP
#define WARDEN_SESSION_DETAIL_SESSION_INFO_HPP

#include <warden/core/identity.hpp>
#include <warden/session/key.hpp>
#include <warden/store/records.hpp>

namespace warden::session::detail {

inline auth_info session_info(const session_record& rec) {
    return auth_info{.scheme = "session", .credential_id = key_fingerprint(rec.key), .expires_at = rec.expires_at};
}

} // namespace warden::session::detail

#endif
