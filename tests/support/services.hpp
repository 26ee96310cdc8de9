// Where the PostgreSQL and Redis servers of the integration tests are, from the
// environment that ./scripts/test sets for its private servers:
//   WARDEN_TEST_PG     postgresql://postgres@127.0.0.1:PORT/warden_test
//   WARDEN_TEST_REDIS  redis://127.0.0.1:PORT/0
// A test executable that needs one calls `require_service` at start: without the
// variable it exits with a clear message and status 77 (ctest's "skipped"), unless
// WARDEN_TEST_SERVICES=required (CI), where a missing server is a failure.
//
// Also a server that never answers (`silent_server`), to test deadlines.
#ifndef WARDEN_TESTS_SUPPORT_SERVICES_HPP
#define WARDEN_TESTS_SUPPORT_SERVICES_HPP

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace warden_test {

/// The value of `var`, or exits: 77 (skipped) with a message naming the variable, or
/// 1 when WARDEN_TEST_SERVICES=required.
inline std::string require_service(const char* var, const char* what) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
    const char* req = std::getenv("WARDEN_TEST_SERVICES");
    const bool required = req && std::string_view(req) == "required";
    std::fprintf(stderr,
                 "%s: %s is not set, so there is no %s to test against; ./scripts/test starts one and sets it "
                 "(or export %s yourself)\n",
                 required ? "FAILED" : "SKIPPED", var, what, var);
    std::fflush(stderr);
    std::exit(required ? 1 : 77);
}

/// A TCP port on 127.0.0.1 that accepts connections (into the listen backlog) and never
/// answers: a hung server. `close()` leaves a port nobody listens on.
class silent_server {
public:
    silent_server() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(fd_ >= 0);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port_ = ntohs(a.sin_port);
    }
    silent_server(const silent_server&) = delete;
    silent_server& operator=(const silent_server&) = delete;
    ~silent_server() { close(); }
    int port() const noexcept { return port_; }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int port_ = 0;
};

} // namespace warden_test

#endif
