/// @file
/// The separately compiled part of warden, for programs built with
/// WARDEN_SEPARATE_COMPILATION: include this header in exactly one translation unit of
/// the program (the CMake helper warden_separate_compilation() adds that file for you).
/// Every translation unit of the program, this one included, must define
/// WARDEN_SEPARATE_COMPILATION.
///
/// What it compiles: the server's connection loop (Asio, Beast and TLS, for every app
/// and sink at once), so a translation unit that calls `warden::serve()` includes no
/// Asio and compiles only its own views and app.
///
/// @code
/// // warden_src.cpp, compiled with -DWARDEN_SEPARATE_COMPILATION like the rest
/// #include <warden/src.hpp>
/// @endcode
#ifndef WARDEN_SRC_HPP
#define WARDEN_SRC_HPP

#if !defined(WARDEN_SEPARATE_COMPILATION)
#error "warden/src.hpp is for programs built with WARDEN_SEPARATE_COMPILATION (define it for every translation unit)"
#endif

#include <warden/server/impl/server_core.hpp>

namespace warden::detail {
template class basic_server_core<app_ref, sink_ref>;
}

#endif
