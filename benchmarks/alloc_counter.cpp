// Counting replacements of the global allocation functions. Every form of operator new
// (plain, array, aligned, nothrow) counts one allocation; the deletes only free.
#include "alloc_counter.hpp"

#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> count{0};
std::atomic<std::size_t> ossl_count{0};

void* ossl_malloc(std::size_t n, const char*, int) {
    ossl_count.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n);
}
void* ossl_realloc(void* p, std::size_t n, const char*, int) {
    ossl_count.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, n);
}
void ossl_free(void* p, const char*, int) { std::free(p); }

void* counted(std::size_t n) {
    count.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n ? n : 1);
}

void* counted_aligned(std::size_t n, std::align_val_t a) {
    count.fetch_add(1, std::memory_order_relaxed);
    std::size_t al = static_cast<std::size_t>(a);
    if (al < sizeof(void*)) al = sizeof(void*);
    void* p = nullptr;
    if (posix_memalign(&p, al, n ? n : 1) != 0) return nullptr;
    return p;
}
} // namespace

namespace bench {
std::size_t allocations() noexcept { return count.load(std::memory_order_relaxed); }
std::size_t openssl_allocations() noexcept { return ossl_count.load(std::memory_order_relaxed); }
bool count_openssl_allocations() noexcept { return CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) == 1; }
} // namespace bench

// Replaced operator new uses malloc, so the matching deletes use free.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
    if (void* p = counted(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = counted(n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned(n, a)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned(n, a)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned(n, a); }

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
