// The per-thread cache behind `basic_store::cache_tokens` (off by default): successful
// token lookups (`find_token`: the token and its user), kept for at most the store's
// staleness bound.
//
// Why per thread: a shared map needs a lock every request takes, and the lock is what
// two I/O threads would then contend on (see docs/benchmarks.md: on this machine a
// contended lock is a futex call, and a syscall costs more than the lookup itself). A
// thread's map needs no lock at all; each I/O thread fills its own.
//
// Why it is safe within the bound:
// - an entry is used only while the store's credentials epoch is the one read before
//   its lookup: every user or token write through the same store object bumps it after
//   the write, so this process's revocations, deactivations and password changes take
//   effect at once;
// - writes it cannot see (another process: `warden token revoke`, another instance,
//   the Django site) take effect within the bound, when the entry is refetched;
// - a token's own expiry is checked on every use, from the cached `expires_at`;
// - misses are not cached: a new token works at once, and unknown keys cannot fill
//   the cache.
// Each thread keeps at most `max_entries` entries (over every store); past it the
// thread's map starts again empty.
#ifndef WARDEN_STORE_DETAIL_TOKEN_CACHE_HPP
#define WARDEN_STORE_DETAIL_TOKEN_CACHE_HPP

#include <warden/store/records.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>

namespace warden::detail::token_cache {

using clock = std::chrono::steady_clock;

/// Entries a thread keeps before starting again empty.
inline constexpr std::size_t max_entries = 4096;

/// A process-unique id per store object (an address could be reused by a later store).
inline std::uint64_t next_store_id() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

struct key {
    std::uint64_t store = 0;
    token::key_digest digest{};
    bool operator==(const key&) const = default;
};

struct key_hash {
    // A SHA-256 digest is uniformly distributed: its first 8 bytes are a good hash.
    std::size_t operator()(const key& k) const noexcept {
        std::uint64_t h = 0;
        std::memcpy(&h, k.digest.data(), sizeof h);
        return static_cast<std::size_t>(h ^ (k.store * 0x9e3779b97f4a7c15ull));
    }
};

struct entry {
    token_lookup value;
    clock::time_point fetched;
    std::uint64_t epoch = 0;
};

inline thread_local std::unordered_map<key, entry, key_hash> entries;

/// The calling thread's entry for `digest` in store `store`, if it was fetched under
/// `epoch` no longer than `max_staleness` before `now`.
inline std::optional<token_lookup> find(std::uint64_t store, const token::key_digest& digest, std::uint64_t epoch,
                                        clock::time_point now, clock::duration max_staleness) {
    auto it = entries.find(key{store, digest});
    if (it == entries.end()) return std::nullopt;
    if (it->second.epoch != epoch || now - it->second.fetched > max_staleness) {
        entries.erase(it);
        return std::nullopt;
    }
    return it->second.value;
}

/// Keeps `value`, fetched under `epoch` at `fetched`, for the calling thread.
inline void put(std::uint64_t store, const token::key_digest& digest, std::uint64_t epoch, clock::time_point fetched,
                const token_lookup& value) {
    if (entries.size() >= max_entries) entries.clear();
    entries.insert_or_assign(key{store, digest}, entry{value, fetched, epoch});
}

} // namespace warden::detail::token_cache

#endif
