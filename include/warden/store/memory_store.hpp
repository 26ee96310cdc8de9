/// @file
/// `warden::memory_store`: every store service (users, tokens, sessions, throttle
/// counters, JWT blacklist) in process memory. For tests, development and single-process
/// deployments that can lose their state on restart.
#ifndef WARDEN_STORE_MEMORY_STORE_HPP
#define WARDEN_STORE_MEMORY_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/detail/memory_state.hpp>

#include <cstddef>

namespace warden {

/// A store kept in memory, providing all five store services (see
/// warden/store/concepts.hpp for each member's contract and warden/store/basic_store.hpp
/// for the two forms of each call).
///
/// Thread-safe; lookups (users, tokens, sessions, blacklist) take shared locks on
/// sharded tables, so concurrent requests do not serialise. A successful `find_token`
/// allocates nothing: it copies the token record and the user's `shared_ptr`. Users are
/// immutable snapshots: `update_user` replaces the pointer, so a request that holds a
/// user keeps a consistent copy.
///
/// Throttle memory stays bounded: a key holds at most `limit` hits, keys whose hits
/// have all left their window are dropped (by `purge_throttle`, and by an amortised
/// sweep inside `throttle_hit`), and a refused hit never creates a key.
///
/// Operations never fail except by running out of memory (`std::bad_alloc`); the
/// `std::error_code&` forms always clear the code.
///
/// Movable, not copyable. Passing an lvalue to `warden::app` shares it; an rvalue is
/// moved into the app.
///
/// @code
/// warden::memory_store store;
/// warden::user u;
/// u.username = "alice";
/// if (auto ec = store.create_user(u)) return ec;   // u.id is now 1
/// auto key = warden::token::generate_key();
/// store.add_token({.digest = warden::token::digest_key(key), .user_id = u.id, .created = now});
/// auto hit = store.find_token(warden::token::digest_key(key));   // hit->owner->username == "alice"
/// @endcode
class memory_store : public basic_store<detail::memory_state> {
public:
    memory_store() = default;

    /// How many throttle keys are held now (for monitoring memory).
    std::size_t throttle_key_count() { return backend().throttle_keys(); }
};

/// The throttle counter service alone, in process memory: for an app whose other
/// services live in a store without counters (the Django schema mode keeps DRF's
/// tables, and Django keeps its counts in its cache). Same behaviour as memory_store's
/// counters; list it before the other store so it serves `throttle_counters_tag`.
///
/// @code
/// warden::memory_counter_store counters;
/// warden::django::sqlite_store db{"db.sqlite3", {cfg.site}};   // cfg: warden::django::site_settings
/// auto web = warden::app<...>(counters, db, settings);
/// @endcode
class memory_counter_store : public basic_store<detail::memory_counters> {
public:
    memory_counter_store() = default;

    /// How many throttle keys are held now (for monitoring memory).
    std::size_t throttle_key_count() { return backend().throttle_keys(); }
};

} // namespace warden

#endif
