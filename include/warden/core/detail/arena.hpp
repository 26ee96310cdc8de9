// A per-connection bump allocator: request and response header fields are allocated
// from it and released all at once when the exchange is over, so a request costs no
// heap allocation for its headers. Non-polymorphic on purpose (no memory_resource).
//
// When an exchange ends (`reset()`) the arena gives its blocks to a small cache of the
// calling thread, and the next arena that needs a block on that thread takes it from
// there: a keep-alive connection waiting for its next request holds no block (half of
// what an idle connection cost), and in steady state a request still costs no malloc.
#ifndef WARDEN_CORE_DETAIL_ARENA_HPP
#define WARDEN_CORE_DETAIL_ARENA_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

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
    /// The blocks go to the calling thread's cache (see the file comment).
    void reset() noexcept { release_blocks(); }

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

    // The calling thread's spare blocks: at most `max_spares`, each at most
    // `max_spare_size` bytes (a larger one goes back to the heap). Trivially
    // destructible, so it stays usable while the thread's other thread_locals are
    // destroyed; `spares_closer` empties it at thread exit and later blocks go straight
    // back to the heap.
    static constexpr unsigned max_spares = 32;
    static constexpr std::size_t max_spare_size = 64 * 1024;
    struct spare_list {
        block* head = nullptr;
        unsigned count = 0;
        bool closed = false;
    };
    struct spares_closer {
        spare_list& list;
        ~spares_closer() {
            list.closed = true;
            for (block* b = std::exchange(list.head, nullptr); b;) {
                block* next = b->next;
                ::operator delete(static_cast<void*>(b));
                b = next;
            }
            list.count = 0;
        }
    };
    static spare_list& spares() noexcept {
        static thread_local spare_list list;
        static thread_local spares_closer closer{list};
        (void)closer;
        return list;
    }

    // A spare block of at least `want` bytes, or null.
    static block* take_spare(std::size_t want) noexcept {
        spare_list& s = spares();
        for (block** at = &s.head; *at; at = &(*at)->next) {
            if ((*at)->size() < want) continue;
            block* b = *at;
            *at = b->next;
            --s.count;
            return b;
        }
        return nullptr;
    }

    static void give_back(block* b) noexcept {
        spare_list& s = spares();
        if (s.closed || s.count >= max_spares || b->size() > max_spare_size) {
            ::operator delete(static_cast<void*>(b));
            return;
        }
        b->next = s.head;
        s.head = b;
        ++s.count;
    }

    void* allocate_slow(std::size_t n, std::size_t align) {
        std::size_t want = first_size_;
        if (current_) want = current_->size() * 2;
        if (want < n + align) want = n + align;
        block* b = take_spare(want);
        if (!b) {
            void* raw = ::operator new(sizeof(block) + want);
            b = ::new (raw) block{nullptr, 0, 0};
            b->end = b->begin() + want;
        }
        b->next = nullptr;
        b->cursor = b->begin();
        if (current_) current_->next = b; else head_ = b;
        current_ = b;
        auto p = align_up(b->cursor, align);
        b->cursor = p + n;
        return reinterpret_cast<void*>(p);
    }

    void release_blocks() noexcept {
        for (block* b = head_; b;) {
            block* next = b->next;
            give_back(b);
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
