// The store suites over the in-process backends: memory and SQLite provide every
// service. (The network backends run the same suites from tests/integration/store/.)
#include <support/backends.hpp>

namespace store_suite {
using warden_test::memory_backend;
using warden_test::sqlite_backend;
using user_backends = std::tuple<memory_backend, sqlite_backend>;
using token_backends = std::tuple<memory_backend, sqlite_backend>;
using session_backends = std::tuple<memory_backend, sqlite_backend>;
using throttle_backends = std::tuple<memory_backend, sqlite_backend>;
using jwt_backends = std::tuple<memory_backend, sqlite_backend>;
} // namespace store_suite

#include "suite_jwt.hpp"
#include "suite_sessions.hpp"
#include "suite_throttle.hpp"
#include "suite_tokens.hpp"
#include "suite_users.hpp"
