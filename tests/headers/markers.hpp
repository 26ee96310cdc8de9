// What each third-party library defines once one of its headers is in: the umbrella
// tests check them to keep each umbrella's weight in check. Asio counts when its I/O
// objects are in (Beast's message types use only Asio's buffer types).
#pragma once

#if defined(BOOST_ASIO_VERSION) || defined(BOOST_ASIO_IO_CONTEXT_HPP) || defined(BOOST_ASIO_BASIC_SOCKET_HPP)
#define WARDEN_HAS_ASIO 1
#else
#define WARDEN_HAS_ASIO 0
#endif
#if defined(OPENSSL_VERSION_NUMBER)
#define WARDEN_HAS_OPENSSL 1
#else
#define WARDEN_HAS_OPENSSL 0
#endif
#if defined(SQLITE_VERSION)
#define WARDEN_HAS_SQLITE 1
#else
#define WARDEN_HAS_SQLITE 0
#endif
// Boost 1.81 defines no BOOST_JSON_VERSION; every Boost.JSON header includes its config.
#if defined(BOOST_JSON_VERSION) || defined(BOOST_JSON_DETAIL_CONFIG_HPP)
#define WARDEN_HAS_BOOST_JSON 1
#else
#define WARDEN_HAS_BOOST_JSON 0
#endif
