/// @file
/// `work_kind`: where the server runs the handling of a request.
#ifndef WARDEN_CORE_WORK_KIND_HPP
#define WARDEN_CORE_WORK_KIND_HPP

namespace warden {

/// Where the server runs a route's pipeline, decided at compile time from the route's
/// policies and the services they use.
enum class work_kind : unsigned char {
    /// On the I/O thread: nothing on the route blocks (memory stores, JWT verification).
    inline_,
    /// On the blocking pool: short waits on a store that blocks (`blocking = true`, e.g.
    /// SQLite or PostgreSQL).
    blocking,
    /// On the hashing pool: CPU-heavy work a policy or view marks `may_block` (password
    /// hashing), kept apart so a burst of it cannot delay cheap blocking work.
    hashing,
};

} // namespace warden

#endif
