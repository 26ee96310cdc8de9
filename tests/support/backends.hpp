// The store backends that the unit tests run against, for Catch2's
// TEMPLATE_LIST_TEST_CASE: each test gets a fresh store; the SQLite one lives in a new
// temporary file that is removed (with its -wal, -shm and -journal companions) when the
// test ends.
//
//     TEMPLATE_LIST_TEST_CASE("...", "[area][component]", warden_test::backends) {
//         TestType b;
//         b.store.create_user(...);
//     }
#ifndef WARDEN_TESTS_SUPPORT_BACKENDS_HPP
#define WARDEN_TESTS_SUPPORT_BACKENDS_HPP

#include <warden/crypto/random.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>

#include <filesystem>
#include <string>
#include <system_error>
#include <tuple>

namespace warden_test {

/// A path in the temporary directory that no other test uses; the file and SQLite's
/// companions are removed on destruction.
class temp_db {
public:
    temp_db()
        : path_((std::filesystem::temp_directory_path() / ("warden-test-" + warden::crypto::random_hex(8) + ".db"))
                    .string()) {}
    temp_db(const temp_db&) = delete;
    temp_db& operator=(const temp_db&) = delete;
    ~temp_db() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
    }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

struct memory_backend {
    static constexpr const char* name = "memory";
    warden::memory_store store;
};

struct sqlite_backend {
    static constexpr const char* name = "sqlite";
    temp_db file;   // declared first: the store closes before the file is removed
    warden::sqlite_store store{file.path()};
};

using backends = std::tuple<memory_backend, sqlite_backend>;

} // namespace warden_test

#endif
