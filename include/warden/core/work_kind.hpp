/// @file
/// `work_kind`: where the server runs the handling of a request.
#ifndef WARDEN_CORE_WORK_KIND_HPP
#define WARDEN_CORE_WORK_KIND_HPP

namespace warden {

/// Where the server runs a route's pipeline, decided at compile time from the route's
/// policies and the services they use. Ordered: a route runs where its most demanding
/// policy needs.
enum class work_kind : unsigned char {
    /// On the I/O thread: nothing on the route blocks (memory stores, JWT verification).
    inline_,
    /// On the I/O thread when every blocking store the route uses has a connection idle
    /// for it, else on the blocking pool: the route only reads those stores (its
    /// policies declare `store_reads_only`) and each lets a thread reserve a connection
    /// (`try_reserve_reader`, as the SQLite stores do). A hand-off to the pool and back
    /// costs more than a cached read.
    store_read,
    /// On the blocking pool: short waits on a store that blocks (`blocking = true`, e.g.
    /// SQLite or PostgreSQL).
    blocking,
    /// On the hashing pool: CPU-heavy work a policy or view marks `may_block` (password
    /// hashing), kept apart so a burst of it cannot delay cheap blocking work.
    hashing,
};

} // namespace warden

#endif
