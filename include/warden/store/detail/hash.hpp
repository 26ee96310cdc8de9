// Hashes for the memory store's maps: transparent string hashing (lookups by
// string_view allocate nothing) and a digest hash that reads the digest's own bits.
#ifndef WARDEN_STORE_DETAIL_HASH_HPP
#define WARDEN_STORE_DETAIL_HASH_HPP

#include <warden/store/key_digest.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace warden::detail {

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    std::size_t operator()(const std::string& s) const noexcept { return std::hash<std::string_view>{}(s); }
    std::size_t operator()(const char* s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct string_equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// A SHA-256 digest is uniformly distributed, and only the server's own keys are ever
// inserted, so its first bytes are a hash no client can steer into collisions.
struct digest_hash {
    std::size_t operator()(const token::key_digest& d) const noexcept {
        std::uint64_t h;
        std::memcpy(&h, d.data(), sizeof h);
        return static_cast<std::size_t>(h);
    }
};

// The shard of a hash value. The top bits are used so that the shard choice stays
// independent of the low bits the shard's own hash table indexes by.
template <std::size_t Shards>
constexpr std::size_t shard_of(std::size_t h) noexcept {
    static_assert(Shards > 0 && (Shards & (Shards - 1)) == 0, "shard counts are powers of two");
    constexpr unsigned shift = sizeof(std::size_t) * 8 - std::countr_zero(Shards);
    if constexpr (Shards == 1) return 0;
    else return (h >> shift) & (Shards - 1);
}

} // namespace warden::detail

#endif
