// Runs Python scripts with Debian's /usr/bin/python3, the one with Django 3.2, DRF 3.14,
// simplejwt 5.2 and PyJWT 2.6 (plain `python3` on PATH may be another without them).
// Tests skip (WARN + return) when python3 or a module they need is missing.
//
// Two script styles:
// - input on stdin, the script prints a marker when it cannot import what it needs:
//       auto out = warden_test::run_python(script, input, "NO-DJANGO");
//       if (!out) { WARN("skipping: /usr/bin/python3 with Django is not available"); return; }
// - a JSON file named by argv[1], JSON on stdout, modules checked beforehand:
//       if (!warden_test::python_has("jwt")) { WARN("skipped: ..."); return; }
//       boost::json::value out = warden_test::run_python_json(script, {{"secret", key}});
#ifndef WARDEN_TESTS_SUPPORT_PYTHON_HPP
#define WARDEN_TESTS_SUPPORT_PYTHON_HPP

#include <warden/crypto/random.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace warden_test {

inline constexpr const char* python = "/usr/bin/python3";

/// Whether /usr/bin/python3 exists and imports `module`.
inline bool python_has(std::string_view module) {
    if (access(python, X_OK) != 0) return false;
    std::string cmd = python;
    cmd.append(" -c 'import ").append(module).append("' >/dev/null 2>&1");
    return std::system(cmd.c_str()) == 0;
}

namespace detail {

// A scratch directory in the temporary directory, removed with its contents.
class scratch_dir {
public:
    scratch_dir() : path_(std::filesystem::temp_directory_path() / ("warden-py-" + warden::crypto::random_hex(8))) {
        std::filesystem::create_directories(path_);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    /// Writes `content` to the file `name` in the directory; returns its path.
    std::string write(const std::string& name, std::string_view content) const {
        auto p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

struct python_output {
    bool started = false;   // popen succeeded
    int status = -1;        // pclose's status
    std::string out;        // the script's stdout
};

// Runs `python <script> <redirections>` and collects stdout.
inline python_output run_script(const scratch_dir& dir, std::string_view script, const std::string& redirections) {
    python_output r;
    std::string cmd = python;
    cmd.append(" ").append(dir.write("script.py", script)).append(" ").append(redirections);
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    r.started = true;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) r.out.append(buf, n);
    r.status = pclose(pipe);
    return r;
}

} // namespace detail

/// Runs `script` with `input` on stdin and returns its stdout, or nullopt when
/// /usr/bin/python3 is missing or the output starts with `skip_marker` (which the script
/// prints when a module it needs is missing). A script that fails otherwise returns what
/// it printed (often nothing), so that the test fails instead of skipping; its stderr
/// goes to the test's stderr.
inline std::optional<std::string> run_python(std::string_view script, std::string_view input, std::string_view skip_marker) {
    if (access(python, X_OK) != 0) return std::nullopt;
    detail::scratch_dir dir;
    auto r = detail::run_script(dir, script, "< " + dir.write("input.txt", input));
    if (std::string_view(r.out).starts_with(skip_marker)) return std::nullopt;
    return std::move(r.out);
}

/// Runs `script` with one argument, a file holding `input` as JSON, and returns its
/// stdout parsed as JSON. Requires (Catch2 REQUIRE) that the script started and exited
/// with 0; its stderr is shown when it did not. Check the modules the script needs with
/// python_has() first.
inline boost::json::value run_python_json(std::string_view script, const boost::json::value& input) {
    detail::scratch_dir dir;
    auto r = detail::run_script(dir, script,
                                dir.write("input.json", boost::json::serialize(input)) + " 2>" + dir.file("stderr"));
    REQUIRE(r.started);
    std::ostringstream err;
    err << std::ifstream(dir.file("stderr"), std::ios::binary).rdbuf();
    INFO("python stderr: " << err.str());
    REQUIRE(r.status == 0);
    return boost::json::parse(r.out);
}

} // namespace warden_test

#endif
