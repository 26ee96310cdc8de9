// The Redis backend of the store suites and integration tests: each test gets a fresh
// store on the test Redis (WARDEN_TEST_REDIS) under a new key prefix, whose keys are
// deleted when the test ends.
#ifndef WARDEN_TESTS_SUPPORT_REDIS_BACKEND_HPP
#define WARDEN_TESTS_SUPPORT_REDIS_BACKEND_HPP

#include <support/services.hpp>

#include <warden/crypto/random.hpp>
#include <warden/store/redis_store.hpp>

#include <string>
#include <system_error>

namespace warden_test {

inline const std::string& redis_url() {
    static const std::string url = require_service("WARDEN_TEST_REDIS", "Redis server");
    return url;
}

struct redis_backend {
    static constexpr const char* name = "redis";
    std::string prefix = "warden-test-" + warden::crypto::random_hex(8) + ":";
    warden::redis_store store{redis_url(), {.prefix = prefix}};
    ~redis_backend() {
        std::error_code ignored;
        store.purge_throttle(1e300, 0, ignored);   // every key under the prefix
    }
};

} // namespace warden_test

#endif
