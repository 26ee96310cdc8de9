// The server's machinery: the acceptor, the I/O threads, the connection set and the body
// budget, the blocking and hashing pools, the graceful stop. Declared here without Asio;
// defined in warden/server/impl/server_core.hpp, included here by default (header-only,
// one instance per app, static calls) or compiled once for app_ref and sink_ref with
// WARDEN_SEPARATE_COMPILATION (warden/src.hpp).
#ifndef WARDEN_SERVER_DETAIL_SERVER_CORE_HPP
#define WARDEN_SERVER_DETAIL_SERVER_CORE_HPP

#include <warden/server/detail/erased.hpp>
#include <warden/server/options.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>

namespace warden::detail {

/// The server's machinery for app `App` and access-log sink `Sink`, which it calls
/// directly. Header-only (the default), `server<App, Sink>` instantiates it with its own
/// app and sink: every call on the request path is static. With
/// WARDEN_SEPARATE_COMPILATION it is instantiated once, for `app_ref` and `sink_ref`, in
/// the translation unit that includes <warden/src.hpp>; a request then costs one
/// indirect call more (the price of not compiling the connection loop per app).
template <class App, class Sink>
class basic_server_core {
public:
    /// `app` and `sink` must outlive the core. `access_log` false: the sink is `no_log`,
    /// and no access line is even formatted.
    basic_server_core(App& app, Sink& sink, bool access_log, server_options options);
    ~basic_server_core();
    basic_server_core(const basic_server_core&) = delete;
    basic_server_core& operator=(const basic_server_core&) = delete;

    void start(std::error_code& ec);
    std::uint16_t port() const noexcept;
    std::size_t connections() const;
    std::uint64_t buffered_bytes() const noexcept;
    const server_options& options() const noexcept;
    bool stopping() const noexcept;
    void handle_signals();
    void stop() noexcept;
    void stop_now() noexcept;
    void wait();

private:
    struct state;
    std::unique_ptr<state> s_;
};

#if defined(WARDEN_SEPARATE_COMPILATION)
// Defined once, in the translation unit that includes <warden/src.hpp>.
extern template class basic_server_core<app_ref, sink_ref>;
#endif

} // namespace warden::detail

#if !defined(WARDEN_SEPARATE_COMPILATION)
#include <warden/server/impl/server_core.hpp>
#endif

#endif
