// The connection's arena (core/detail/arena.hpp): blocks reused across exchanges, and
// given back when an exchange ends, so that an idle keep-alive connection holds none.
#include <warden/core/detail/arena.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <thread>

using warden::detail::arena;

TEST_CASE("an arena holds no block between exchanges; the next exchange reuses the thread's spare", "[server][arena]") {
    arena a{4096};
    CHECK(a.capacity() == 0);   // nothing taken before the first allocation
    void* first = a.allocate(100, 8);
    CHECK(a.capacity() >= 4096);   // a spare left by another test may be larger
    void* second = a.allocate(100, 8);
    CHECK(static_cast<char*>(second) - static_cast<char*>(first) == 104);   // bumped, 8-aligned
    a.reset();
    CHECK(a.capacity() == 0);   // the block went to the thread's spares

    // The next allocation, by this arena or another one of the thread, takes it back.
    arena b{4096};
    CHECK(b.allocate(100, 8) == first);
    CHECK(b.capacity() >= 4096);
    b.reset();
    CHECK(a.allocate(100, 8) == first);
    a.reset();
}

TEST_CASE("an arena grows by doubling and gives every block back", "[server][arena]") {
    // (Spares left by other tests may be larger than asked for: bounds, not exact sizes.)
    arena a{4096};
    a.allocate(3000, 8);
    const std::size_t one = a.capacity();
    CHECK(one >= 4096);
    a.allocate(one, 8);   // cannot fit the first block: a second one, at least twice its size
    CHECK(a.capacity() >= 3 * one);
    a.allocate(200000, 16);   // larger than doubling gives: a block of its own size
    CHECK(a.capacity() >= 3 * one + 200000);
    a.reset();
    CHECK(a.capacity() == 0);
    a.allocate(10, 1);
    CHECK(a.capacity() >= 4096);
    CHECK(a.capacity() < 200000);   // a block over 64 KiB is not kept as a spare
    a.reset();
}

TEST_CASE("a thread's spare blocks are its own", "[server][arena]") {
    arena a{4096};
    void* mine = a.allocate(64, 8);
    a.reset();   // this thread's spare now
    void* theirs = nullptr;
    std::thread([&] {   // no Catch assertion off the main thread
        arena other{4096};
        theirs = other.allocate(64, 8);
    }).join();
    CHECK(theirs != nullptr);
    CHECK(theirs != mine);   // a fresh block: the spare is still this thread's
    arena b{4096};
    CHECK(b.allocate(64, 8) == mine);
}
