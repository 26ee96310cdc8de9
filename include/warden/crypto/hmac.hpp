/// @file
/// Keyed HMAC-SHA-256/384/512 on OpenSSL 3 EVP_MAC, keyed once and shared by threads.
///
/// A `crypto::hmac` is keyed at construction. Computing a MAC re-initialises an
/// already keyed `EVP_MAC_CTX` (`EVP_MAC_init(ctx, NULL, 0, NULL)`), which restores the
/// precomputed inner and outer hash states instead of hashing the key again: measured
/// here, that is 4x faster than the one-shot `HMAC()` and 1.8x faster than duplicating a
/// keyed context per message. Keyed contexts live in a small pool of slots owned by the
/// `hmac` object; a thread claims a slot with one atomic exchange (each thread starts at
/// its own slot, so threads do not contend), so one object can be used by many threads
/// at once and every context is freed with the object.
#ifndef WARDEN_CRYPTO_HMAC_HPP
#define WARDEN_CRYPTO_HMAC_HPP

#include <warden/crypto/compare.hpp>
#include <warden/crypto/detail/openssl.hpp>
#include <warden/crypto/error.hpp>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace warden::crypto {

/// The hash functions HMAC is offered with (the JWS HS256/384/512 set).
enum class hmac_hash { sha256, sha384, sha512 };

/// Output size in bytes of HMAC with `h`: 32, 48 or 64.
constexpr std::size_t digest_size(hmac_hash h) noexcept {
    switch (h) {
    case hmac_hash::sha256: return 32;
    case hmac_hash::sha384: return 48;
    case hmac_hash::sha512: return 64;
    }
    return 0;
}

namespace detail {

constexpr const char* hmac_digest_name(hmac_hash h) noexcept {
    switch (h) {
    case hmac_hash::sha256: return "SHA256";
    case hmac_hash::sha384: return "SHA384";
    case hmac_hash::sha512: return "SHA512";
    }
    return "SHA256";
}

// A per-thread starting slot: consecutive threads get consecutive slots, so up to
// `slot_count` threads each find "their" slot free and keep it warm in their cache.
inline unsigned thread_slot_hint() noexcept {
    static std::atomic<unsigned> next{0};
    thread_local const unsigned hint = next.fetch_add(1, std::memory_order_relaxed);
    return hint;
}

/// A fixed pool of reusable OpenSSL contexts claimed with an atomic flag.
///
/// `Context` is a default-constructible owner of OpenSSL objects. `with(make, use)`
/// claims a free slot (creating its context with `make(Context&) -> bool` on first use),
/// runs `use(Context&)` and frees the slot. If every slot is busy it builds a private
/// context for this call instead, so callers never wait.
template <class Context>
class context_pool {
public:
    static constexpr unsigned slot_count = 16;

    context_pool() : slots_(new slot[slot_count]) {}

    template <class Make, class Use>
    auto with(Make&& make, Use&& use) const -> decltype(use(std::declval<Context&>())) {
        using result = decltype(use(std::declval<Context&>()));
        const unsigned start = thread_slot_hint();
        for (unsigned i = 0; i < slot_count; ++i) {
            slot& s = slots_[(start + i) % slot_count];
            // Test before exchanging: a busy slot then costs a shared read, not a
            // cache-line steal.
            if (s.busy.load(std::memory_order_relaxed) || s.busy.exchange(true, std::memory_order_acquire))
                continue;
            struct release_guard {
                std::atomic<bool>& flag;
                ~release_guard() { flag.store(false, std::memory_order_release); }
            } guard{s.busy};
            if (!s.ready) {
                s.ctx = Context{};
                if (!make(s.ctx)) return result{openssl_failure_value<result>()};
                s.ready = true;
            }
            return use(s.ctx);
        }
        Context own{};
        if (!make(own)) return result{openssl_failure_value<result>()};
        return use(own);
    }

private:
    template <class R>
    static R openssl_failure_value() {
        if constexpr (std::is_same_v<R, bool>) return false;
        else return R{errc::openssl_failure};
    }

    struct alignas(64) slot {
        std::atomic<bool> busy{false};
        bool ready = false;
        Context ctx{};
    };
    std::unique_ptr<slot[]> slots_;
};

struct hmac_context {
    mac_ctx_ptr ctx;
};

} // namespace detail

/// A keyed HMAC: key once, then compute and check MACs of many messages, from any
/// number of threads, without re-keying and without allocating per message.
///
/// The key bytes are handed to OpenSSL at construction and not kept by this object.
/// Moving is cheap; copying is disabled (share it by reference or `shared_ptr`).
///
/// @code
/// warden::crypto::hmac mac{warden::crypto::hmac_hash::sha256, secret};
/// std::string tag = mac.compute("message");
/// bool ok = mac.verify("message", tag);     // constant-time comparison
/// @endcode
class hmac {
public:
    /// Largest MAC size (HMAC-SHA-512).
    static constexpr std::size_t max_size = 64;

    /// Keys an HMAC with `hash` and `key` (any length, including empty).
    /// @throws std::system_error with `errc::openssl_failure` if OpenSSL cannot.
    hmac(hmac_hash hash, std::string_view key) : hmac(hash, key, throw_tag{}) {}

    /// Keys an HMAC; on failure sets `ec` to `errc::openssl_failure` and leaves the
    /// object empty (`valid()` is false).
    hmac(hmac_hash hash, std::string_view key, std::error_code& ec) : hash_(hash) { ec = init(key); }

    hmac(hmac&&) noexcept = default;
    hmac& operator=(hmac&&) noexcept = default;

    /// True when keyed (construction succeeded and the object was not moved from).
    bool valid() const noexcept { return state_ != nullptr; }

    hmac_hash hash() const noexcept { return hash_; }

    /// MAC size in bytes: 32, 48 or 64.
    std::size_t size() const noexcept { return digest_size(hash_); }

    /// Writes the MAC of `message` to the first `size()` bytes of `out`.
    /// @return `errc::openssl_failure` if OpenSSL fails or the object is empty.
    std::error_code compute(std::string_view message, std::span<unsigned char, max_size> out) const noexcept {
        if (!state_) return errc::openssl_failure;
        const auto* data = reinterpret_cast<const unsigned char*>(message.data());
        std::error_code ec = state_->pool.with(
            [this](detail::hmac_context& c) {
                c.ctx.reset(EVP_MAC_CTX_dup(state_->master.get()));
                return c.ctx != nullptr;
            },
            [&](detail::hmac_context& c) -> std::error_code {
                std::size_t len = 0;
                if (EVP_MAC_init(c.ctx.get(), nullptr, 0, nullptr) != 1 ||
                    EVP_MAC_update(c.ctx.get(), data, message.size()) != 1 ||
                    EVP_MAC_final(c.ctx.get(), out.data(), &len, out.size()) != 1 || len != size())
                    return errc::openssl_failure;
                return {};
            });
        if (ec) ERR_clear_error();
        return ec;
    }

    /// The MAC of `message` as a byte string.
    /// @throws std::system_error if OpenSSL fails.
    std::string compute(std::string_view message) const {
        unsigned char buf[max_size];
        if (auto ec = compute(message, buf)) throw std::system_error(ec);
        return std::string(reinterpret_cast<const char*>(buf), size());
    }

    /// True when `mac` is exactly the MAC of `message` (compared in constant time).
    bool verify(std::string_view message, std::string_view mac) const noexcept {
        unsigned char buf[max_size];
        if (compute(message, buf)) return false;
        return constant_time_equal(std::string_view(reinterpret_cast<const char*>(buf), size()), mac);
    }

private:
    struct throw_tag {};
    hmac(hmac_hash hash, std::string_view key, throw_tag) : hash_(hash) {
        if (auto ec = init(key)) throw std::system_error(ec, "hmac");
    }

    struct state {
        detail::mac_ctx_ptr master;
        detail::context_pool<detail::hmac_context> pool;
    };

    std::error_code init(std::string_view key) {
        auto st = std::make_unique<state>();
        detail::mac_ptr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
        if (mac) st->master.reset(EVP_MAC_CTX_new(mac.get()));
        if (!st->master) {
            ERR_clear_error();
            return errc::openssl_failure;
        }
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                             const_cast<char*>(detail::hmac_digest_name(hash_)), 0),
            OSSL_PARAM_construct_end(),
        };
        // A null key pointer means "keep the current key" to EVP_MAC_init: an empty key
        // must still be a real (empty) buffer.
        static const unsigned char empty_key = 0;
        const auto* k = key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
        if (EVP_MAC_init(st->master.get(), k, key.size(), params) != 1) {
            ERR_clear_error();
            return errc::openssl_failure;
        }
        state_ = std::move(st);
        return {};
    }

    std::unique_ptr<state> state_;
    hmac_hash hash_;
};

} // namespace warden::crypto

#endif
