// Helpers for the password-area tests: the shared vector files and /usr/bin/python3.
#ifndef WARDEN_TESTS_UNIT_PASSWORD_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_PASSWORD_SUPPORT_HPP

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace warden_test {

// The parsed JSON file at WARDEN_SHARED_DIR/relative, or nullopt if absent.
inline std::optional<boost::json::value> shared_json(std::string_view relative) {
    std::filesystem::path p = std::filesystem::path(WARDEN_SHARED_DIR) / relative;
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return boost::json::parse(ss.str());
}

inline std::string hex_decode(std::string_view hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return out;
}

inline std::string as_string(const boost::json::value& v) { return std::string(v.as_string()); }

// Runs `script` with Debian's python3 (the one with Django) and returns its stdout, or
// nullopt if python3 or Django is unavailable (the script must print "NO-DJANGO" then).
// A script that fails otherwise returns what it printed (often nothing), so that the
// test fails instead of skipping; its stderr goes to the test's stderr.
inline std::optional<std::string> run_django_python(std::string_view script, std::string_view input = {}) {
    if (access("/usr/bin/python3", X_OK) != 0) return std::nullopt;
    auto dir = std::filesystem::temp_directory_path();
    auto stem = "warden_pw_" + std::to_string(getpid()) + "_" + std::to_string(std::rand());
    auto script_path = dir / (stem + ".py");
    auto input_path = dir / (stem + ".in");
    {
        std::ofstream(script_path, std::ios::binary) << script;
        std::ofstream(input_path, std::ios::binary) << input;
    }
    std::string cmd = "/usr/bin/python3 " + script_path.string() + " < " + input_path.string();
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        pclose(f);
    }
    std::filesystem::remove(script_path);
    std::filesystem::remove(input_path);
    if (out.rfind("NO-DJANGO", 0) == 0) return std::nullopt;
    return out;
}

} // namespace warden_test

#endif
