// The backend of warden::redis_store: throttle counters as sorted sets, each hit one
// Lua script (atomic in Redis), keys under a prefix and expiring by themselves.
#ifndef WARDEN_STORE_DETAIL_REDIS_BACKEND_HPP
#define WARDEN_STORE_DETAIL_REDIS_BACKEND_HPP

#include <warden/core/service_tags.hpp>
#include <warden/store/detail/redis.hpp>
#include <warden/store/detail/throttle_window.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::redis {

// DRF's SimpleRateThrottle step on a sorted set of hit times (score = time). ARGV: now,
// cutoff (now - window, computed by the caller so that the comparison is the one the
// other backends make, to the last bit), limit, a unique member, the key's time to live
// in ms. Scores go in and come out as text, never through Lua numbers, which would
// round them. Returns {allowed, count, oldest score as text}.
inline constexpr std::string_view hit_script = R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
    count = count + 1
    allowed = 1
end
local oldest = '0'
if count > 0 then oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] end
return {allowed, count, oldest}
)lua";

// Deletes each key of KEYS (a batch of SCAN) whose newest hit is at or before ARGV[1],
// checking and deleting in one step so that a concurrent hit is never lost. Keys of
// other types under the prefix are left alone.
inline constexpr std::string_view purge_script = R"lua(
local cutoff = tonumber(ARGV[1])
local n = 0
for _, key in ipairs(KEYS) do
    if redis.call('TYPE', key).ok == 'zset' then
        local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        if newest[2] == nil or tonumber(newest[2]) <= cutoff then
            n = n + redis.call('DEL', key)
        end
    end
end
return n
)lua";

/// How the backend connects and names its keys.
struct backend_config {
    std::string url;
    std::chrono::milliseconds timeout{5000};
    std::size_t pool_size = 8;
    std::string prefix = "warden:";
};

inline std::string number_text(double v) {
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}
inline std::string number_text(std::int64_t v) {
    char buf[24];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

class backend {
public:
    static constexpr bool blocking = true;
    // Keys expire with their window (PEXPIRE): the adaptor never needs to sweep them.
    using self_purging = warden::services<throttle_counters_tag>;

    /// Connects (by the deadline) and loads the scripts.
    /// @throws std::invalid_argument for a malformed URL; std::system_error with a
    ///         `store_errc` and a message naming the server when it cannot be used.
    explicit backend(backend_config cfg)
        : cfg_(std::move(cfg)), url_(std::make_shared<const url>(url::parse(cfg_.url))), name_(url_->describe()),
          pool_(connection_factory(url_), cfg_.pool_size) {
        std::random_device rd;
        tag_ = number_text(static_cast<std::int64_t>((std::uint64_t{rd()} << 32 | rd()) >> 1));
        const auto until = clock::now() + cfg_.timeout;
        std::error_code ec;
        std::string why;
        auto c = redis::open(*url_, until, ec, &why);
        if (!c) refuse(ec, why.empty() ? ec.message() : why);
        for (auto [script, sha] : {std::pair{hit_script, &hit_sha_}, std::pair{purge_script, &purge_sha_}}) {
            bool broken = false;
            auto r = command(c.get(), {"SCRIPT", "LOAD", script}, until, ec, broken);
            if (ec) refuse(ec, ec.message());
            if (r->type != REDIS_REPLY_STRING) refuse(store_errc::io, "SCRIPT LOAD was refused");
            *sha = std::string(r->str, r->len);
        }
        pool_.add(std::make_unique<connection>(connection{std::move(c)}));
    }

    std::string name() const { return name_; }
    const std::string& prefix() const noexcept { return cfg_.prefix; }

    throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit, std::error_code& ec) {
        // Refused outright, as in the other backends: no key is created, nothing is sent.
        if (!throttle_inputs_valid(now, window)) return ec.clear(), throttle_state{false, 0, 0.0};
        const std::string full = cfg_.prefix + std::string(key);
        const std::string now_text = number_text(now), cutoff = number_text(now - window);
        // Lua reads the limit as a double: exact up to 2^53, far above any rate.
        const std::string lim = number_text(static_cast<std::int64_t>(std::min<std::size_t>(limit, std::size_t{1} << 53)));
        const std::string member = now_text + ":" + tag_ + ":" + number_text(static_cast<std::int64_t>(seq_.fetch_add(1)));
        const std::string ttl = number_text(static_cast<std::int64_t>(std::ceil(window * 1000)) + 1000);
        auto r = script(hit_script, hit_sha_, {full}, {now_text, cutoff, lim, member, ttl}, ec);
        if (ec) return {false, 0, 0.0};
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_INTEGER ||
            r->element[1]->type != REDIS_REPLY_INTEGER || r->element[2]->type != REDIS_REPLY_STRING) {
            ec = store_errc::io;
            return {false, 0, 0.0};
        }
        throttle_state s;
        s.allowed = r->element[0]->integer == 1;
        s.count = static_cast<std::size_t>(std::max<long long>(r->element[1]->integer, 0));
        const redisReply* o = r->element[2];
        std::from_chars(o->str, o->str + o->len, s.oldest);
        return s;
    }

    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        const std::string cutoff = number_text(now - max_window);
        const std::string pattern = glob_escape(cfg_.prefix) + "*";
        std::string cursor = "0";
        std::size_t removed = 0;
        do {
            std::vector<std::string> keys;
            {   // the connection goes back before the script takes one
                const auto until = clock::now() + cfg_.timeout;
                auto l = pool_.acquire(until, ec);
                if (ec) return 0;
                bool broken = false;
                auto r = command(l->ctx.get(), {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, until, ec, broken);
                if (broken) l.drop(ec);
                if (ec) return 0;
                if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
                    r->element[1]->type != REDIS_REPLY_ARRAY)
                    return ec = store_errc::io, 0;
                cursor.assign(r->element[0]->str, r->element[0]->len);
                for (std::size_t i = 0; i < r->element[1]->elements; ++i)
                    keys.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
            }
            if (keys.empty()) continue;
            auto p = script(purge_script, purge_sha_, keys, {cutoff}, ec);
            if (ec) return 0;
            if (p->type != REDIS_REPLY_INTEGER) return ec = store_errc::io, 0;
            removed += static_cast<std::size_t>(p->integer);
        } while (cursor != "0");
        ec.clear();
        return removed;
    }

private:
    [[noreturn]] void refuse(std::error_code ec, const std::string& why) const {
        throw std::system_error(ec, "warden::redis_store: cannot use " + name_ + " (" + why + ")");
    }

    static std::string glob_escape(std::string_view s) {
        std::string out;
        for (char ch : s) {
            if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') out.push_back('\\');
            out.push_back(ch);
        }
        return out;
    }

    // EVALSHA, and EVAL when the server has forgotten the script (a restart without
    // persistence, SCRIPT FLUSH): EVAL caches it again.
    reply_handle script(std::string_view text, const std::string& sha, const std::vector<std::string>& keys,
                        const std::vector<std::string>& args, std::error_code& ec) {
        const auto until = clock::now() + cfg_.timeout;
        auto l = pool_.acquire(until, ec);
        if (ec) return {};
        const std::string nkeys = number_text(static_cast<std::int64_t>(keys.size()));
        std::vector<std::string_view> argv{"EVALSHA", sha, nkeys};
        argv.insert(argv.end(), keys.begin(), keys.end());
        argv.insert(argv.end(), args.begin(), args.end());
        for (int attempt = 0; attempt < 2; ++attempt) {
            bool broken = false;
            auto r = command(l->ctx.get(), argv, until, ec, broken);
            if (broken) {
                l.drop(ec);
                return {};
            }
            if (r->type != REDIS_REPLY_ERROR) return r;
            std::string_view err(r->str, r->len);
            if (attempt == 0 && err.starts_with("NOSCRIPT")) {
                argv[0] = "EVAL";
                argv[1] = text;
                continue;
            }
            ec = map_error_reply(err);
            return {};
        }
        ec = store_errc::io;
        return {};
    }

    backend_config cfg_;
    std::shared_ptr<const url> url_;
    std::string name_;
    pool pool_;
    std::string hit_sha_, purge_sha_;
    std::string tag_;
    std::atomic<std::uint64_t> seq_{0};
};

} // namespace warden::detail::redis

#endif
