/// @file
/// `server_options` and `tls_options`: how `warden::server` and `warden::serve()` listen,
/// how many threads they use, and the limits they enforce on every connection.
#ifndef WARDEN_SERVER_OPTIONS_HPP
#define WARDEN_SERVER_OPTIONS_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace warden {

/// The certificate and key a TLS listener presents. Both files are PEM.
///
/// @code
/// warden::server_options o;
/// o.tls = warden::tls_options{.cert_chain_file = "/etc/warden/fullchain.pem",
///                             .private_key_file = "/etc/warden/privkey.pem"};
/// @endcode
struct tls_options {
    /// The server certificate followed by any intermediates (PEM).
    std::string cert_chain_file;
    /// The certificate's private key (PEM, unencrypted).
    std::string private_key_file;
};

/// How a server listens and the limits it enforces. Every field has a usable default.
///
/// @code
/// warden::server_options o{.address = "0.0.0.0", .port = 8443, .threads = 4};
/// o.tls = warden::tls_options{"cert.pem", "key.pem"};
/// return warden::serve(site, o);
/// @endcode
struct server_options {
    /// The local address to bind ("127.0.0.1", "::", "0.0.0.0").
    std::string address = "127.0.0.1";
    /// The TCP port; 0 binds an ephemeral port (`server::port()` reports it).
    std::uint16_t port = 8000;
    /// I/O threads; 0 means `std::thread::hardware_concurrency()`.
    unsigned threads = 0;
    /// Threads of the pool that runs routes waiting on a blocking store (SQLite,
    /// PostgreSQL); 0 means twice `std::thread::hardware_concurrency()`.
    unsigned blocking_threads = 0;
    /// Run a route that only reads its stores (`work_kind::store_read`: token, session
    /// and JWT authentication over SQLite) on the I/O thread when each store has a
    /// connection idle, instead of handing it to the blocking pool and back. Such a read
    /// waits on no lock (SQLite's WAL mode) and its rare writes never wait (they fail
    /// instead, harmlessly); it can still wait on the disk when the database is not in
    /// the page cache. false: every blocking route goes to the pool.
    bool inline_reads = true;
    /// Requests that may wait for a blocking-pool thread; past it a request is answered
    /// 503 at once.
    std::size_t blocking_queue = 1024;
    /// Threads of the pool that runs password hashing (routes whose policies declare
    /// `may_block`); 0 means `std::thread::hardware_concurrency()`. Kept apart from the
    /// blocking pool so that slow hashes never queue ahead of cheap database work.
    unsigned hashing_threads = 0;
    /// Requests that may wait for a hashing thread; past it a request is answered 503 at
    /// once (a PBKDF2 check takes about 0.3 s, so 16 waiting on 2 threads is a 2.4 s wait).
    std::size_t hashing_queue = 16;
    /// How long a request may wait in either queue; one still waiting past it is
    /// answered 503 when its turn comes instead of being run.
    std::chrono::milliseconds queue_timeout = std::chrono::seconds(10);
    /// Connections served at once; a connection past it is closed at once (existing
    /// ones are unaffected). Each may hold `header_limit` bytes of header.
    std::size_t max_connections = 8192;
    /// Request body bytes all connections may hold at once: a declared Content-Length
    /// counts when its header arrives, a chunked body as it grows. A request that does
    /// not fit is answered 503 and its connection closed.
    std::uint64_t max_buffered_bytes = 128 * 1024 * 1024;
    /// How long a connection may take to deliver a whole request (idle keep-alive time
    /// included) or to accept a whole response; past it the connection is closed.
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    /// Largest request line plus header block, in bytes; larger is 431 and close.
    std::size_t header_limit = 16 * 1024;
    /// Largest request body, in bytes (Content-Length or chunked); larger is 413 and close.
    std::uint64_t body_limit = 1024 * 1024;
    /// How long a graceful stop waits for in-flight requests before closing them.
    std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
    /// Writes one access-log line per request to the server's sink when true.
    bool access_log = true;
    /// Serves HTTPS with this certificate when set.
    std::optional<tls_options> tls;
};

} // namespace warden

#endif
