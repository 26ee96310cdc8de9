// Session store calls that report failures as error codes: the `std::error_code&`
// overloads when the store has them (memory_store and sqlite_store do), the concept's
// plain calls otherwise. Sessions are read on the request path, where no exception may
// escape a policy.
#ifndef WARDEN_SESSION_DETAIL_STORE_CALLS_HPP
#define WARDEN_SESSION_DETAIL_STORE_CALLS_HPP

#include <warden/store/records.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace warden::session::detail {

template <class S>
std::optional<session_record> load(S& s, std::string_view key, std::int64_t now, std::error_code& ec) {
    if constexpr (requires { s.load_session(key, now, ec); }) {
        return s.load_session(key, now, ec);
    } else {
        ec.clear();
        return s.load_session(key, now);
    }
}

template <class S>
bool remove(S& s, std::string_view key, std::error_code& ec) {
    if constexpr (requires { s.delete_session(key, ec); }) {
        return s.delete_session(key, ec);
    } else {
        ec.clear();
        return s.delete_session(key);
    }
}

template <class S>
std::size_t remove_user(S& s, std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
    if constexpr (requires { s.delete_user_sessions(user_id, except_key, ec); }) {
        return s.delete_user_sessions(user_id, except_key, ec);
    } else {
        ec.clear();
        return s.delete_user_sessions(user_id, except_key);
    }
}

template <class U>
std::shared_ptr<const user> find_user(U& users, std::int64_t id, std::error_code& ec) {
    if constexpr (requires { users.find_user(id, ec); }) {
        return users.find_user(id, ec);
    } else {
        ec.clear();
        return users.find_user(id);
    }
}

} // namespace warden::session::detail

#endif
