// Shared fixtures for the throttle tests: a header authenticator (no user store
// needed), both counter backends and a frozen clock.
#pragma once

#include <warden.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/test/client.hpp>
#include <warden/throttle/builtin.hpp>

#include <support/backends.hpp>
#include <support/test_auth.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fixtures {

using warden_test::backends;
using warden_test::temp_db;

// "Authorization: Test <name>": alice (id 1), bob (id 2, staff), carol (id 3).
using warden_test::test_auth;

// 2023-11-14T22:13:20Z: a whole second, so offsets in binary fractions are exact doubles.
inline constexpr std::chrono::sys_seconds t0{std::chrono::seconds{1'700'000'000}};

template <class Site>
void freeze_at(Site& site, double offset_seconds) {
    site.clock().freeze(t0 + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 std::chrono::duration<double>(offset_seconds)));
}

} // namespace fixtures
