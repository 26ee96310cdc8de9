// Helpers shared by the jwt unit tests: frozen clocks and PEM text of OpenSSL keys. The
// shared vector files and hex come from support/shared_data.hpp.
#ifndef WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP
#define WARDEN_TESTS_UNIT_JWT_SUPPORT_HPP

#include <support/pem.hpp>
#include <support/shared_data.hpp>

#include <chrono>
#include <cstdint>

namespace jwt_test {

inline std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}};
}

using warden_test::pem_of;

} // namespace jwt_test

#endif
