/// @file
/// TLS for `warden::server`: the OpenSSL context a TLS listener uses, built from the
/// certificate chain and private key files in `tls_options`.
///
/// Policy: TLS 1.2 and 1.3 only; for TLS 1.2, forward-secret AEAD cipher suites only
/// (ECDHE/DHE with AES-GCM or ChaCha20-Poly1305), server preference; no renegotiation,
/// no compression. TLS 1.3 keeps OpenSSL's suites, all of which qualify.
#ifndef WARDEN_SERVER_TLS_HPP
#define WARDEN_SERVER_TLS_HPP

#include <warden/server/options.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <system_error>

namespace warden {

/// Builds the server-side TLS context for `o`.
///
/// @param o the PEM certificate chain and private key files.
/// @param ec set when a file cannot be read, the key does not match the certificate, or
///        OpenSSL refuses the settings; the message names the failing step, never key bytes.
/// @return the context; unusable when `ec` is set.
///
/// @code
/// std::error_code ec;
/// auto ctx = warden::make_tls_context({"fullchain.pem", "privkey.pem"}, ec);
/// if (ec) std::fprintf(stderr, "TLS: %s\n", ec.message().c_str());
/// @endcode
inline boost::asio::ssl::context make_tls_context(const tls_options& o, std::error_code& ec) {
    namespace ssl = boost::asio::ssl;
    ec.clear();
    ssl::context ctx{ssl::context::tls_server};
    boost::system::error_code bec;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                    bec);
    SSL_CTX* native = ctx.native_handle();
    if (!bec && (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
                 SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20") != 1))
        bec = boost::system::error_code(static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category());
    if (!bec) {
        SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
        ctx.use_certificate_chain_file(o.cert_chain_file, bec);
    }
    if (!bec) ctx.use_private_key_file(o.private_key_file, ssl::context::pem, bec);
    if (!bec && SSL_CTX_check_private_key(native) != 1)
        bec = boost::system::error_code(static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category());
    ERR_clear_error();
    if (bec) ec = bec;
    return ctx;
}

/// As above, throwing `std::system_error` on failure (for start-up code).
inline boost::asio::ssl::context make_tls_context(const tls_options& o) {
    std::error_code ec;
    auto ctx = make_tls_context(o, ec);
    if (ec) throw std::system_error(ec, "warden: TLS setup failed");
    return ctx;
}

} // namespace warden

#endif
