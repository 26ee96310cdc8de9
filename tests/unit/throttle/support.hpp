// Shared fixtures for the throttle tests: a header authenticator (no user store
// needed), both counter backends, a frozen clock, and Debian's python3 with DRF.
#pragma once

#include <warden.hpp>
#include <warden/crypto/random.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/test/client.hpp>
#include <warden/throttle/builtin.hpp>

#include <support/backends.hpp>
#include <support/test_auth.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

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

// Runs `script` with Debian's python3 (the one with DRF) and returns its stdout, or
// nullopt when python3 or DRF is missing (the script prints "NO-DRF" then). A script
// that fails otherwise returns what it printed, so the test fails instead of skipping.
inline std::optional<std::string> run_drf_python(const std::string& script, const std::string& input) {
    if (access("/usr/bin/python3", X_OK) != 0) return std::nullopt;
    auto dir = std::filesystem::temp_directory_path();
    auto stem = "warden_throttle_" + warden::crypto::random_hex(8);
    auto script_path = dir / (stem + ".py");
    auto input_path = dir / (stem + ".in");
    std::ofstream(script_path, std::ios::binary) << script;
    std::ofstream(input_path, std::ios::binary) << input;
    std::string cmd = "/usr/bin/python3 " + script_path.string() + " < " + input_path.string();
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        pclose(f);
    }
    std::error_code ec;
    std::filesystem::remove(script_path, ec);
    std::filesystem::remove(input_path, ec);
    if (out.rfind("NO-DRF", 0) == 0) return std::nullopt;
    return out;
}

} // namespace fixtures
