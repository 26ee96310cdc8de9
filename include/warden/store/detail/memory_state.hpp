// The backend of warden::memory_store: the data and its operations, in the form
// basic_store wraps (value-returning operations take a std::error_code&, which they
// clear: nothing here fails but an allocation, which throws std::bad_alloc).
//
// Concurrency model: every table is split into shards (or, for users and the JWT
// lists, kept under one lock), each guarded by its own lock. Lookups on the request
// path (users, tokens, sessions, the blacklist) take shared locks, so readers never
// wait for each other; throttle hits write on every call and take a plain mutex per
// shard. No operation holds two locks at once, so there is no lock order to get wrong.
#ifndef WARDEN_STORE_DETAIL_MEMORY_STATE_HPP
#define WARDEN_STORE_DETAIL_MEMORY_STATE_HPP

#include <warden/core/identity.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/store/detail/hash.hpp>
#include <warden/store/detail/throttle_window.hpp>
#include <warden/store/error.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/records.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace warden::detail {

inline constexpr std::size_t memory_shards = 16;
// Shards sit side by side in arrays; one cache line each keeps their locks from
// bouncing a shared line between cores.
inline constexpr std::size_t memory_shard_align = 64;

using string_set = std::unordered_set<std::string, string_hash, string_equal>;

struct memory_users {
    mutable std::shared_mutex mu;
    std::unordered_map<std::int64_t, std::shared_ptr<const user>> by_id;
    std::unordered_map<std::string, std::int64_t, string_hash, string_equal> by_name;
    std::int64_t next_id = 1;
};

struct memory_token_entry {
    token_record record;
    // Insertion order, to break ties between tokens created in the same second.
    std::uint64_t seq = 0;
};

struct alignas(memory_shard_align) memory_token_shard {
    mutable std::shared_mutex mu;
    std::unordered_map<token::key_digest, memory_token_entry, digest_hash> by_digest;
    std::unordered_map<std::int64_t, std::vector<token::key_digest>> by_user;

    void unindex(std::int64_t user_id, const token::key_digest& d) {
        auto it = by_user.find(user_id);
        if (it == by_user.end()) return;
        auto& v = it->second;
        v.erase(std::remove(v.begin(), v.end(), d), v.end());
        if (v.empty()) by_user.erase(it);
    }
};

struct alignas(memory_shard_align) memory_session_shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, session_record, string_hash, string_equal> by_key;
    std::unordered_map<std::int64_t, string_set> by_user;

    void unindex(std::int64_t user_id, std::string_view key) {
        auto it = by_user.find(user_id);
        if (it == by_user.end()) return;
        if (auto k = it->second.find(key); k != it->second.end()) it->second.erase(k);
        if (it->second.empty()) by_user.erase(it);
    }
};

struct memory_throttle_entry {
    std::vector<double> hits;   // ascending
    double window = 0;          // the longest window seen for the key, for the sweep
};

struct alignas(memory_shard_align) memory_throttle_shard {
    std::mutex mu;
    std::unordered_map<std::string, memory_throttle_entry, string_hash, string_equal> by_key;
    std::size_t hits_since_sweep = 0;
};

struct memory_blacklisted {
    std::int64_t expires_at = 0;
    std::int64_t blacklisted_at = 0;
};

struct memory_jwt {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, outstanding_token, string_hash, string_equal> outstanding;
    std::unordered_map<std::int64_t, string_set> outstanding_by_user;
    std::unordered_map<std::string, memory_blacklisted, string_hash, string_equal> blacklisted;
};

// A stored user built from the public fields only, as the SQLite backend reads one
// back: whatever the caller's object is (even a copy of the anonymous user), the
// store holds an ordinary account.
inline std::shared_ptr<user> stored_user(const user& u) {
    auto p = std::make_shared<user>();
    p->id = u.id;
    p->username = u.username;
    p->email = u.email;
    p->password = u.password;
    p->first_name = u.first_name;
    p->last_name = u.last_name;
    p->is_active = u.is_active;
    p->is_staff = u.is_staff;
    p->is_superuser = u.is_superuser;
    p->date_joined = u.date_joined;
    p->last_login = u.last_login;
    return p;
}

// The throttle counter service in memory: sharded maps of hit windows, each shard
// behind a plain mutex (every hit writes). The backend of memory_counter_store, and the
// throttle part of memory_state.
class memory_counters {
public:
    // The shards sweep themselves (sweep_if_due): the adaptor leaves them alone.
    using self_purging = warden::services<throttle_counters_tag>;

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        ec.clear();
        auto& sh = throttle_shards_[shard_of<memory_shards>(string_hash{}(key))];
        std::lock_guard lock(sh.mu);
        sweep_if_due(sh, now);
        auto it = sh.by_key.find(key);
        if (it == sh.by_key.end()) {
            // Nothing to record: do not let refused hits create keys.
            if (limit == 0 || !throttle_inputs_valid(now, window)) return {false, 0, 0.0};
            it = sh.by_key.try_emplace(std::string(key)).first;
        }
        auto& e = it->second;
        e.window = std::max(e.window, throttle_inputs_valid(now, window) ? window : 0.0);
        auto state = apply_throttle_hit(e.hits, now, window, limit);
        if (e.hits.empty()) sh.by_key.erase(it);
        return state;
    }

    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        ec.clear();
        std::size_t n = 0;
        const double cutoff = now - max_window;
        for (auto& sh : throttle_shards_) {
            std::lock_guard lock(sh.mu);
            n += std::erase_if(sh.by_key, [&](const auto& kv) {
                return kv.second.hits.empty() || kv.second.hits.back() <= cutoff;
            });
        }
        return n;
    }

    /// Keys currently held (tests watch memory stay bounded).
    std::size_t throttle_keys() {
        std::size_t n = 0;
        for (auto& sh : throttle_shards_) {
            std::lock_guard lock(sh.mu);
            n += sh.by_key.size();
        }
        return n;
    }

private:
    // Keys whose newest hit has left their own window are dead weight: sweep a shard
    // once it has taken as many hits as it holds keys (at least 1024), so the cost per
    // hit stays constant and memory stays bounded even if purge_throttle is never called.
    static void sweep_if_due(memory_throttle_shard& sh, double now) {
        if (++sh.hits_since_sweep < std::max<std::size_t>(1024, sh.by_key.size())) return;
        sh.hits_since_sweep = 0;
        if (!std::isfinite(now)) return;
        std::erase_if(sh.by_key, [&](const auto& kv) {
            return kv.second.hits.empty() || kv.second.hits.back() <= now - kv.second.window;
        });
    }

    std::array<memory_throttle_shard, memory_shards> throttle_shards_;
};

class memory_state {
public:
    // The throttle shards sweep themselves (sweep_if_due); the adaptor purges the rest.
    using self_purging = warden::services<throttle_counters_tag>;

    std::string name() const { return "memory"; }

    // users ------------------------------------------------------------------------

    std::shared_ptr<const user> find_user(std::int64_t id, std::error_code& ec) const {
        ec.clear();
        return find_user(id);
    }

    std::shared_ptr<const user> find_user_by_username(std::string_view name, std::error_code& ec) const {
        ec.clear();
        std::shared_lock lock(users_.mu);
        auto n = users_.by_name.find(name);
        if (n == users_.by_name.end()) return nullptr;
        auto it = users_.by_id.find(n->second);
        return it == users_.by_id.end() ? nullptr : it->second;
    }

    std::error_code create_user(user& u) { return create_users(std::span<user>(&u, 1)); }

    // All or none, under one lock: seeding from several threads gives one winner with
    // consecutive ids.
    std::error_code create_users(std::span<user> us) {
        // Copy and allocate before taking the lock; readers are not held up by it.
        std::vector<std::shared_ptr<user>> fresh;
        fresh.reserve(us.size());
        for (auto& u : us) fresh.push_back(stored_user(u));
        std::unique_lock lock(users_.mu);
        for (std::size_t i = 0; i < us.size(); ++i) {
            if (users_.by_name.contains(us[i].username)) return store_errc::duplicate;
            for (std::size_t j = 0; j < i; ++j)
                if (us[j].username == us[i].username) return store_errc::duplicate;
        }
        const std::int64_t first = users_.next_id;
        std::size_t done = 0;
        try {
            for (; done < us.size(); ++done) {
                const std::int64_t id = first + static_cast<std::int64_t>(done);
                fresh[done]->id = id;
                auto [n, inserted] = users_.by_name.emplace(us[done].username, id);
                try {
                    users_.by_id.emplace(id, std::move(fresh[done]));
                } catch (...) {
                    users_.by_name.erase(n);
                    throw;
                }
            }
        } catch (...) {
            for (std::size_t i = 0; i < done; ++i) {
                users_.by_name.erase(us[i].username);
                users_.by_id.erase(first + static_cast<std::int64_t>(i));
            }
            throw;
        }
        users_.next_id = first + static_cast<std::int64_t>(us.size());
        for (std::size_t i = 0; i < us.size(); ++i) us[i].id = first + static_cast<std::int64_t>(i);
        return {};
    }

private:
    std::shared_ptr<const user> find_user(std::int64_t id) const {
        std::shared_lock lock(users_.mu);
        auto it = users_.by_id.find(id);
        return it == users_.by_id.end() ? nullptr : it->second;
    }

public:
    std::error_code update_user(const user& u) {
        // Copy-on-write: readers holding the old snapshot keep it intact.
        std::shared_ptr<const user> fresh = stored_user(u);
        std::unique_lock lock(users_.mu);
        auto it = users_.by_id.find(u.id);
        if (it == users_.by_id.end()) return store_errc::not_found;
        if (it->second->username != u.username) {
            if (users_.by_name.contains(u.username)) return store_errc::duplicate;
            users_.by_name.emplace(u.username, u.id);
            users_.by_name.erase(it->second->username);
        }
        it->second = std::move(fresh);
        return {};
    }

    std::vector<user> list_users(std::error_code& ec) const {
        ec.clear();
        std::vector<user> out;
        {
            std::shared_lock lock(users_.mu);
            out.reserve(users_.by_id.size());
            for (auto& [id, p] : users_.by_id) out.push_back(*p);
        }
        std::sort(out.begin(), out.end(), [](const user& a, const user& b) { return a.id < b.id; });
        return out;
    }

    // tokens -----------------------------------------------------------------------

    std::error_code add_token(const token_record& t) {
        // Tokens belong to a user (DRF's foreign key); the SQL schemas enforce the same.
        if (!find_user(t.user_id)) return store_errc::not_found;
        auto& sh = token_shard(t.digest);
        std::unique_lock lock(sh.mu);
        auto [it, inserted] = sh.by_digest.try_emplace(t.digest, memory_token_entry{t, 0});
        if (!inserted) return store_errc::duplicate;
        try {
            sh.by_user[t.user_id].push_back(t.digest);
        } catch (...) {
            sh.by_digest.erase(it);
            throw;
        }
        it->second.seq = token_seq_.fetch_add(1, std::memory_order_relaxed);
        return {};
    }

    // Under the user's stripe lock, so that two capped adds for one user never both
    // keep `keep` tokens plus their own.
    std::error_code add_token_capped(const token_record& t, std::size_t keep) {
        if (keep == 0) return add_token(t);
        std::lock_guard capped(capped_[static_cast<std::size_t>(t.user_id) % capped_.size()]);
        if (auto ec = add_token(t)) return ec;
        std::error_code ec;
        auto all = user_tokens(t.user_id, ec);   // oldest first
        for (std::size_t i = 0; i + keep < all.size(); ++i) remove_token(all[i].digest, ec);
        return {};
    }

    std::optional<token_lookup> find_token(const token::key_digest& d, std::error_code& ec) const {
        ec.clear();
        token_record rec;
        {
            auto& sh = token_shard(d);
            std::shared_lock lock(sh.mu);
            auto it = sh.by_digest.find(d);
            if (it == sh.by_digest.end()) return std::nullopt;
            rec = it->second.record;
        }
        auto owner = find_user(rec.user_id);
        if (!owner) return std::nullopt;
        return token_lookup{rec, std::move(owner)};
    }

    bool remove_token(const token::key_digest& d, std::error_code& ec) {
        ec.clear();
        auto& sh = token_shard(d);
        std::unique_lock lock(sh.mu);
        auto it = sh.by_digest.find(d);
        if (it == sh.by_digest.end()) return false;
        sh.unindex(it->second.record.user_id, d);
        sh.by_digest.erase(it);
        return true;
    }

    std::size_t remove_user_tokens(std::int64_t user_id, std::error_code& ec) {
        ec.clear();
        std::size_t n = 0;
        for (auto& sh : tokens_) {
            std::unique_lock lock(sh.mu);
            auto it = sh.by_user.find(user_id);
            if (it == sh.by_user.end()) continue;
            for (auto& d : it->second) n += sh.by_digest.erase(d);
            sh.by_user.erase(it);
        }
        return n;
    }

    std::vector<token_record> user_tokens(std::int64_t user_id, std::error_code& ec) const {
        ec.clear();
        std::vector<memory_token_entry> found;
        for (auto& sh : tokens_) {
            std::shared_lock lock(sh.mu);
            auto it = sh.by_user.find(user_id);
            if (it == sh.by_user.end()) continue;
            for (auto& d : it->second)
                if (auto e = sh.by_digest.find(d); e != sh.by_digest.end()) found.push_back(e->second);
        }
        std::sort(found.begin(), found.end(), [](const memory_token_entry& a, const memory_token_entry& b) {
            return std::tie(a.record.created, a.seq) < std::tie(b.record.created, b.seq);
        });
        std::vector<token_record> out;
        out.reserve(found.size());
        for (auto& e : found) out.push_back(e.record);
        return out;
    }

    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        ec.clear();
        std::size_t n = 0;
        for (auto& sh : tokens_) {
            std::unique_lock lock(sh.mu);
            for (auto it = sh.by_digest.begin(); it != sh.by_digest.end();) {
                const auto& r = it->second.record;
                if (r.expires_at != 0 && r.expires_at <= now) {
                    sh.unindex(r.user_id, r.digest);
                    it = sh.by_digest.erase(it);
                    ++n;
                } else {
                    ++it;
                }
            }
        }
        return n;
    }

    // sessions ---------------------------------------------------------------------

    std::error_code create_session(const session_record& r) {
        auto& sh = session_shard(r.key);
        std::unique_lock lock(sh.mu);
        auto [it, inserted] = sh.by_key.try_emplace(r.key, r);
        if (!inserted) return store_errc::duplicate;
        try {
            sh.by_user[r.user_id].insert(r.key);
        } catch (...) {
            sh.by_key.erase(it);
            throw;
        }
        return {};
    }

    std::optional<session_record> load_session(std::string_view key, std::int64_t now, std::error_code& ec) const {
        ec.clear();
        auto& sh = session_shard(key);
        std::shared_lock lock(sh.mu);
        auto it = sh.by_key.find(key);
        if (it == sh.by_key.end() || it->second.expires_at <= now) return std::nullopt;
        return it->second;
    }

    std::error_code save_session(const session_record& r) {
        auto& sh = session_shard(r.key);
        std::unique_lock lock(sh.mu);
        auto it = sh.by_key.find(r.key);
        if (it == sh.by_key.end()) return store_errc::not_found;
        if (it->second.user_id != r.user_id) {
            sh.by_user[r.user_id].insert(r.key);
            sh.unindex(it->second.user_id, r.key);
        }
        it->second = r;
        return {};
    }

    bool delete_session(std::string_view key, std::error_code& ec) {
        ec.clear();
        auto& sh = session_shard(key);
        std::unique_lock lock(sh.mu);
        auto it = sh.by_key.find(key);
        if (it == sh.by_key.end()) return false;
        sh.unindex(it->second.user_id, key);
        sh.by_key.erase(it);
        return true;
    }

    std::size_t delete_user_sessions(std::int64_t user_id, std::string_view except_key, std::error_code& ec) {
        ec.clear();
        std::size_t n = 0;
        for (auto& sh : sessions_) {
            std::unique_lock lock(sh.mu);
            auto it = sh.by_user.find(user_id);
            if (it == sh.by_user.end()) continue;
            auto& keys = it->second;
            for (auto k = keys.begin(); k != keys.end();) {
                if (!except_key.empty() && *k == except_key) {
                    ++k;
                    continue;
                }
                n += sh.by_key.erase(*k);
                k = keys.erase(k);
            }
            if (keys.empty()) sh.by_user.erase(it);
        }
        return n;
    }

    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        ec.clear();
        std::size_t n = 0;
        for (auto& sh : sessions_) {
            std::unique_lock lock(sh.mu);
            for (auto it = sh.by_key.begin(); it != sh.by_key.end();) {
                if (it->second.expires_at <= now) {
                    sh.unindex(it->second.user_id, it->first);
                    it = sh.by_key.erase(it);
                    ++n;
                } else {
                    ++it;
                }
            }
        }
        return n;
    }

    // throttle (memory_counters) -----------------------------------------------------

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        return counters_.throttle_hit(key, now, window, limit, ec);
    }
    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return counters_.purge_throttle(now, max_window, ec);
    }
    /// Keys currently held (tests watch memory stay bounded).
    std::size_t throttle_keys() { return counters_.throttle_keys(); }

    // JWT blacklist ----------------------------------------------------------------

    std::error_code add_outstanding(const outstanding_token& t) {
        std::unique_lock lock(jwt_.mu);
        auto [it, inserted] = jwt_.outstanding.try_emplace(t.jti, t);
        if (!inserted) return {};
        try {
            jwt_.outstanding_by_user[t.user_id].insert(t.jti);
        } catch (...) {
            jwt_.outstanding.erase(it);
            throw;
        }
        return {};
    }

    bool blacklist(std::string_view jti, std::int64_t expires_at, std::int64_t now, std::error_code& ec) {
        ec.clear();
        std::unique_lock lock(jwt_.mu);
        if (jwt_.blacklisted.contains(jti)) return false;
        jwt_.blacklisted.emplace(std::string(jti), memory_blacklisted{expires_at, now});
        return true;
    }

    bool is_blacklisted(std::string_view jti, std::error_code& ec) const {
        ec.clear();
        std::shared_lock lock(jwt_.mu);
        return jwt_.blacklisted.contains(jti);
    }

    std::size_t blacklist_user(std::int64_t user_id, std::int64_t now, std::error_code& ec) {
        ec.clear();
        std::unique_lock lock(jwt_.mu);
        auto it = jwt_.outstanding_by_user.find(user_id);
        if (it == jwt_.outstanding_by_user.end()) return 0;
        std::size_t n = 0;
        for (auto& jti : it->second) {
            auto o = jwt_.outstanding.find(jti);
            if (o == jwt_.outstanding.end()) continue;
            n += jwt_.blacklisted.try_emplace(jti, memory_blacklisted{o->second.expires_at, now}).second;
        }
        return n;
    }

    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) {
        ec.clear();
        std::unique_lock lock(jwt_.mu);
        std::size_t n = 0;
        for (auto it = jwt_.outstanding.begin(); it != jwt_.outstanding.end();) {
            if (it->second.expires_at <= now) {
                if (auto u = jwt_.outstanding_by_user.find(it->second.user_id); u != jwt_.outstanding_by_user.end()) {
                    u->second.erase(it->first);
                    if (u->second.empty()) jwt_.outstanding_by_user.erase(u);
                }
                it = jwt_.outstanding.erase(it);
                ++n;
            } else {
                ++it;
            }
        }
        n += std::erase_if(jwt_.blacklisted, [&](const auto& kv) { return kv.second.expires_at <= now; });
        return n;
    }

private:
    memory_token_shard& token_shard(const token::key_digest& d) const {
        return tokens_[shard_of<memory_shards>(digest_hash{}(d))];
    }
    memory_session_shard& session_shard(std::string_view key) const {
        return sessions_[shard_of<memory_shards>(string_hash{}(key))];
    }

    memory_users users_;
    mutable std::array<memory_token_shard, memory_shards> tokens_;
    std::atomic<std::uint64_t> token_seq_{0};
    std::array<std::mutex, memory_shards> capped_;
    mutable std::array<memory_session_shard, memory_shards> sessions_;
    memory_counters counters_;
    memory_jwt jwt_;
};

} // namespace warden::detail

#endif
