// A per-connection bump allocator: request and response header fields are allocated
// from it and released all at once when the exchange is over, so a request costs no
// heap allocation for its headers. Non-polymorphic on purpose (no memory_resource).
#ifndef WARDEN_CORE_DETAIL_ARENA_HPP
#define WARDEN_CORE_DETAIL_ARENA_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace warden::detail {

class arena {
public:
    explicit arena(std::size_t first_block = 8192) : first_size_(first_block) {}
    arena(const arena&) = delete;
    arena& operator=(const arena&) = delete;
    ~arena() { release_blocks(); }

    void* allocate(std::size_t n, std::size_t align) {
        if (current_) {
            auto p = align_up(current_->cursor, align);
            if (p + n <= current_->end) {
                current_->cursor = p + n;
                return reinterpret_cast<void*>(p);
            }
        }
        return allocate_slow(n, align);
    }

    /// Makes all memory reusable. Everything allocated from the arena must be gone.
    void reset() noexcept {
        // Keep the largest block only: steady state is then one block and no malloc.
        if (!head_) return;
        block* keep = head_;
        for (block* b = head_->next; b; b = b->next)
            if (b->size() > keep->size()) keep = b;
        for (block* b = head_; b;) {
            block* next = b->next;
            if (b != keep) ::operator delete(static_cast<void*>(b));
            b = next;
        }
        keep->next = nullptr;
        keep->cursor = keep->begin();
        head_ = current_ = keep;
    }

    /// Bytes held from the heap (for tests and statistics).
    std::size_t capacity() const noexcept {
        std::size_t n = 0;
        for (block* b = head_; b; b = b->next) n += b->size();
        return n;
    }

private:
    struct block {
        block* next;
        std::uintptr_t cursor;
        std::uintptr_t end;
        std::uintptr_t begin() const noexcept { return reinterpret_cast<std::uintptr_t>(this + 1); }
        std::size_t size() const noexcept { return end - begin(); }
    };

    static std::uintptr_t align_up(std::uintptr_t p, std::size_t a) noexcept { return (p + a - 1) & ~(std::uintptr_t(a) - 1); }

    void* allocate_slow(std::size_t n, std::size_t align) {
        std::size_t want = first_size_;
        if (current_) want = current_->size() * 2;
        if (want < n + align) want = n + align;
        void* raw = ::operator new(sizeof(block) + want);
        auto* b = ::new (raw) block{nullptr, 0, 0};
        b->cursor = b->begin();
        b->end = b->begin() + want;
        if (current_) current_->next = b; else head_ = b;
        // Blocks after `current_` (kept from before a reset) are dropped from the chain
        // by reset(); here we only ever append at the end.
        current_ = b;
        auto p = align_up(b->cursor, align);
        b->cursor = p + n;
        return reinterpret_cast<void*>(p);
    }

    void release_blocks() noexcept {
        for (block* b = head_; b;) {
            block* next = b->next;
            ::operator delete(static_cast<void*>(b));
            b = next;
        }
        head_ = current_ = nullptr;
    }

    std::size_t first_size_;
    block* head_ = nullptr;
    block* current_ = nullptr;
};

/// Allocator over an `arena`; with no arena it falls back to the global heap, so
/// messages built outside a connection (tests, handlers) still work.
template <class T>
class arena_allocator {
public:
    using value_type = T;
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_copy_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;

    arena_allocator() noexcept = default;
    explicit arena_allocator(arena* a) noexcept : arena_(a) {}
    template <class U>
    arena_allocator(const arena_allocator<U>& o) noexcept : arena_(o.get_arena()) {}

    T* allocate(std::size_t n) {
        if (arena_) return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t) noexcept {
        if (!arena_) ::operator delete(static_cast<void*>(p));
    }
    arena* get_arena() const noexcept { return arena_; }

    template <class U>
    bool operator==(const arena_allocator<U>& o) const noexcept { return arena_ == o.get_arena(); }

private:
    arena* arena_ = nullptr;
};

} // namespace warden::detail

#endif
