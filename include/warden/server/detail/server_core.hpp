// The server's machinery, one class for every app and sink (through app_ref and
// sink_ref): the acceptor, the I/O threads, the connection set and the body budget, the
// blocking and hashing pools, the graceful stop. Declared here without Asio; defined in
// warden/server/impl/server_core.hpp, inline by default or compiled once with
// WARDEN_SEPARATE_COMPILATION (warden/src.hpp).
#ifndef WARDEN_SERVER_DETAIL_SERVER_CORE_HPP
#define WARDEN_SERVER_DETAIL_SERVER_CORE_HPP

#include <warden/core/detail/config.hpp>
#include <warden/server/detail/erased.hpp>
#include <warden/server/options.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>

namespace warden::detail {

class server_core {
public:
    /// `access_log` false: the sink is `no_log`, and no access line is even formatted.
    WARDEN_DECL server_core(app_ref app, sink_ref sink, bool access_log, server_options options);
    WARDEN_DECL ~server_core();
    server_core(const server_core&) = delete;
    server_core& operator=(const server_core&) = delete;

    WARDEN_DECL void start(std::error_code& ec);
    WARDEN_DECL std::uint16_t port() const noexcept;
    WARDEN_DECL std::size_t connections() const;
    WARDEN_DECL std::uint64_t buffered_bytes() const noexcept;
    WARDEN_DECL const server_options& options() const noexcept;
    WARDEN_DECL bool stopping() const noexcept;
    WARDEN_DECL void handle_signals();
    WARDEN_DECL void stop() noexcept;
    WARDEN_DECL void stop_now() noexcept;
    WARDEN_DECL void wait();

private:
    struct state;
    std::unique_ptr<state> s_;
};

} // namespace warden::detail

#if !defined(WARDEN_SEPARATE_COMPILATION)
#include <warden/server/impl/server_core.hpp>
#endif

#endif
