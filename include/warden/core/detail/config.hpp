// WARDEN_SEPARATE_COMPILATION: the non-template parts that have a separately compiled
// form (the server's connection loop) are only declared in the headers, and compiled
// once, in the one translation unit that includes <warden/src.hpp>. Without it (the
// default) warden is header-only and those definitions are inline. Defined for every
// translation unit of a program or for none (the CMake helper
// warden_separate_compilation() does both).
#ifndef WARDEN_CORE_DETAIL_CONFIG_HPP
#define WARDEN_CORE_DETAIL_CONFIG_HPP

#if defined(WARDEN_SEPARATE_COMPILATION)
#define WARDEN_DECL
#else
#define WARDEN_DECL inline
#endif

#endif
