// Shared fixtures for the permission tests: an authenticator driven by a header, so
// apps need no store, and the users it knows.
#pragma once

#include <warden.hpp>
#include <warden/permissions/combinators.hpp>
#include <warden/view/object_permissions.hpp>
#include <warden/test/client.hpp>

#include <support/test_auth.hpp>

#include <catch2/catch.hpp>

namespace fixtures {

// "Authorization: Test <name>": alice (id 1), bob (id 2, staff), carol (id 3).
using warden_test::test_auth;

} // namespace fixtures
