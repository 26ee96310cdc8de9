// A counting replacement of the global operator new, for tests that check a path
// allocates nothing. It replaces the operators for the whole executable, so include it
// in exactly one translation unit of each executable that wants it.
//
//     #include <support/counting_new.hpp>   // in one .cpp of the executable
//     const std::size_t before = warden_test::heap_allocations;
//     run_the_path();
//     CHECK(warden_test::heap_allocations - before == 0);
#ifndef WARDEN_TESTS_SUPPORT_COUNTING_NEW_HPP
#define WARDEN_TESTS_SUPPORT_COUNTING_NEW_HPP

#include <cstddef>
#include <cstdlib>
#include <new>

namespace warden_test {

/// Calls of operator new (and new[]) made by the calling thread so far.
inline thread_local std::size_t heap_allocations = 0;

} // namespace warden_test

// The replacements use malloc, so the matching deletes use free; the array forms too, so
// that tools like valgrind see matched pairs.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
[[gnu::noinline]] void* operator new(std::size_t n) {
    ++warden_test::heap_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) { return ::operator new(n); }
// The nothrow forms too: otherwise they come from the runtime (or a sanitizer's), and the
// deletes below would free what another allocator made.
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++warden_test::heap_allocations;
    return std::malloc(n ? n : 1);
}
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif
