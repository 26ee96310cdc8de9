// Helpers shared by the jwt unit tests: files under WARDEN_SHARED_DIR (parsed once
// per process, the Wycheproof files are large), hex, frozen clocks.
#ifndef WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace jwt_test {

inline std::optional<std::string> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

inline std::optional<std::string> read_shared(const std::string& rel) {
    return read_file(std::string(WARDEN_SHARED_DIR) + "/" + rel);
}

// The parsed shared JSON file, or nullptr when absent.
inline const boost::json::value* shared_json(const std::string& rel) {
    static std::map<std::string, std::unique_ptr<boost::json::value>> cache;
    auto it = cache.find(rel);
    if (it != cache.end()) return it->second.get();
    std::unique_ptr<boost::json::value> v;
    if (auto text = read_shared(rel)) v = std::make_unique<boost::json::value>(boost::json::parse(*text));
    return cache.emplace(rel, std::move(v)).first->second.get();
}

inline std::string hex_decode(std::string_view hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return out;
}

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

inline std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}};
}

} // namespace jwt_test

// Skips the current test (WARN + return) when a shared vector file is missing.
#define JWT_SHARED_JSON_OR_SKIP(var, rel)                                                           \
    const boost::json::value* var = ::jwt_test::shared_json(rel);                                   \
    if (!var) {                                                                                     \
        WARN("skipped: " << (rel) << " not found under " << WARDEN_SHARED_DIR);                      \
        return;                                                                                     \
    }

#endif
