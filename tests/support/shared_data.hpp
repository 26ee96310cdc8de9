// The shared vector files under WARDEN_SHARED_DIR (../shared): read, parsed once per
// process (the Wycheproof files are large) and cached, plus hex and JSON string helpers.
// Tests skip (WARN + return) when a file is absent.
//
//     WARDEN_SHARED_JSON_OR_SKIP(doc, "vectors/rfc_and_django_vectors.json");
//     auto key = warden_test::hex_decode(warden_test::as_string(doc->at("key")));
#ifndef WARDEN_TESTS_SUPPORT_SHARED_DATA_HPP
#define WARDEN_TESTS_SUPPORT_SHARED_DATA_HPP

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace warden_test {

/// The whole file at `path`, or nullopt when it cannot be opened.
inline std::optional<std::string> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

/// The file at WARDEN_SHARED_DIR/rel, or nullopt when absent.
inline std::optional<std::string> read_shared(std::string_view rel) {
    return read_file(std::string(WARDEN_SHARED_DIR) + "/" + std::string(rel));
}

/// The parsed JSON file at WARDEN_SHARED_DIR/rel, or nullptr when absent. Parsed once
/// per process; the value lives until the process ends.
inline const boost::json::value* shared_json(std::string_view rel) {
    static std::map<std::string, std::unique_ptr<boost::json::value>, std::less<>> cache;
    auto it = cache.find(rel);
    if (it != cache.end()) return it->second.get();
    std::unique_ptr<boost::json::value> v;
    if (auto text = read_shared(rel)) v = std::make_unique<boost::json::value>(boost::json::parse(*text));
    return cache.emplace(std::string(rel), std::move(v)).first->second.get();
}

/// The bytes that `hex` spells (either case; a trailing odd digit is ignored).
inline std::string hex_decode(std::string_view hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return out;
}

/// The JSON string `v` as a std::string (throws unless `v` is a string).
inline std::string as_string(const boost::json::value& v) { return std::string(v.as_string()); }

} // namespace warden_test

/// Declares `const boost::json::value* var`, the shared file `rel`; skips the current
/// test (WARN + return) when the file is missing.
#define WARDEN_SHARED_JSON_OR_SKIP(var, rel)                                                        \
    const boost::json::value* var = ::warden_test::shared_json(rel);                                \
    if (!var) {                                                                                     \
        WARN("skipped: " << (rel) << " not found under " << WARDEN_SHARED_DIR);                      \
        return;                                                                                     \
    }

#endif
