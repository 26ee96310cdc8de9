// RAII over hiredis 0.14 (synchronous API), redis:// URLs, and one command with a
// deadline: the connect and every command are bounded by the operation's deadline
// (hiredis's socket timeouts, set to what is left of it before each command).
//
// Redis's error texts are not surfaced: only their first word (NOSCRIPT, LOADING,
// BUSY...) decides the store_errc.
#ifndef WARDEN_STORE_DETAIL_REDIS_HPP
#define WARDEN_STORE_DETAIL_REDIS_HPP

#include <warden/store/detail/net_pool.hpp>
#include <warden/store/error.hpp>

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::redis {

using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

struct context_deleter {
    void operator()(redisContext* c) const noexcept { redisFree(c); }
};
using context_handle = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_handle = std::unique_ptr<redisReply, reply_deleter>;

/// A parsed `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` URL.
struct url {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string user;
    std::string password;

    /// `redis://HOST:PORT/DB`, never the password.
    std::string describe() const {
        const bool v6 = host.find(':') != std::string::npos;
        return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(db);
    }

    /// @throws std::invalid_argument naming what is wrong.
    static url parse(std::string_view text) {
        auto bad = [&](const char* why) {
            return std::invalid_argument(std::string("warden::redis_store: ") + why +
                                         " (expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB])");
        };
        url u;
        constexpr std::string_view scheme = "redis://";
        if (!text.starts_with(scheme)) throw bad("the URL does not start with redis://");
        text.remove_prefix(scheme.size());
        if (auto q = text.find_first_of("?#"); q != std::string_view::npos) throw bad("URL options are not supported");
        if (auto at = text.rfind('@'); at != std::string_view::npos) {
            auto cred = text.substr(0, at);
            text.remove_prefix(at + 1);
            auto colon = cred.find(':');
            if (colon == std::string_view::npos) throw bad("the credentials need a ':' before the password");
            u.user = std::string(cred.substr(0, colon));
            u.password = std::string(cred.substr(colon + 1));
        }
        auto slash = text.find('/');
        auto hostport = text.substr(0, slash);
        if (slash != std::string_view::npos) {
            auto db = text.substr(slash + 1);
            if (!db.empty()) {
                auto r = std::from_chars(db.data(), db.data() + db.size(), u.db);
                if (r.ec != std::errc{} || r.ptr != db.data() + db.size() || u.db < 0) throw bad("the database is not a number");
            }
        }
        if (hostport.starts_with('[')) {   // [::1]:6379
            auto close = hostport.find(']');
            if (close == std::string_view::npos) throw bad("an IPv6 address lacks its ']'");
            u.host = std::string(hostport.substr(1, close - 1));
            hostport.remove_prefix(close + 1);
            if (!hostport.empty() && hostport.front() != ':') throw bad("unexpected text after the address");
        } else {
            auto colon = hostport.find(':');
            u.host = std::string(hostport.substr(0, colon));
            hostport = colon == std::string_view::npos ? std::string_view{} : hostport.substr(colon);
        }
        if (!hostport.empty()) {
            auto p = hostport.substr(1);
            auto r = std::from_chars(p.data(), p.data() + p.size(), u.port);
            if (p.empty() || r.ec != std::errc{} || r.ptr != p.data() + p.size() || u.port < 1 || u.port > 65535)
                throw bad("the port is not a number from 1 to 65535");
        }
        if (u.host.empty()) throw bad("the host is missing");
        return u;
    }
};

inline timeval left_until(deadline until) noexcept {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(until - clock::now()).count();
    left = std::max<long long>(left, 1000);   // never 0: a zero timeout means "none" to the socket
    return timeval{static_cast<time_t>(left / 1'000'000), static_cast<suseconds_t>(left % 1'000'000)};
}

/// The store error for a Redis error reply (its first word).
inline store_errc map_error_reply(std::string_view text) noexcept {
    if (text.starts_with("LOADING") || text.starts_with("READONLY") || text.starts_with("MASTERDOWN")) return store_errc::unavailable;
    if (text.starts_with("BUSY") || text.starts_with("OOM")) return store_errc::busy;
    return store_errc::io;
}

/// A connection: the hiredis context.
struct connection {
    context_handle ctx;
};

/// Runs one command (arguments as bytes) by `until`. On a failure of the connection
/// returns null with `ec` (`unavailable`, or `timeout`) and sets `broken`: the
/// connection must be dropped. An error reply is returned as a reply (the caller maps it).
inline reply_handle command(redisContext* c, const std::vector<std::string_view>& args, deadline until, std::error_code& ec,
                            bool& broken) {
    broken = false;
    if (redisSetTimeout(c, left_until(until)) != REDIS_OK) {
        broken = true;
        ec = store_errc::unavailable;
        return {};
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (auto a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    errno = 0;
    reply_handle r(static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    if (!r) {
        const bool timed_out = c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
        broken = true;
        ec = timed_out ? store_errc::timeout : store_errc::unavailable;
        return {};
    }
    ec.clear();
    return r;
}

/// Opens a connection to `u` by `until`: connect, AUTH when the URL has a password,
/// SELECT the database. `why` receives hiredis's connection error (it names the host).
inline context_handle open(const url& u, deadline until, std::error_code& ec, std::string* why = nullptr) {
    context_handle c(redisConnectWithTimeout(u.host.c_str(), u.port, left_until(until)));
    if (!c) throw std::bad_alloc();
    if (c->err) {
        if (why) *why = c->errstr;
        ec = clock::now() >= until ? store_errc::timeout : store_errc::unavailable;
        return {};
    }
    bool broken = false;
    auto setup = [&](std::vector<std::string_view> args, const char* what) {
        auto r = command(c.get(), args, until, ec, broken);
        if (ec) return false;
        if (r->type == REDIS_REPLY_ERROR) {
            if (why) *why = what;   // never the server's text: it may echo the password
            ec = map_error_reply(std::string_view(r->str, r->len));
            return false;
        }
        return true;
    };
    if (!u.password.empty()) {
        std::vector<std::string_view> auth{"AUTH"};
        if (!u.user.empty()) auth.push_back(u.user);
        auth.push_back(u.password);
        if (!setup(auth, "AUTH was refused")) return {};
    }
    if (u.db != 0) {
        const std::string db = std::to_string(u.db);
        if (!setup({"SELECT", db}, "SELECT of the database was refused")) return {};
    }
    ec.clear();
    return c;
}

/// The pool's factory for Redis connections.
class connection_factory {
public:
    explicit connection_factory(std::shared_ptr<const url> u) : url_(std::move(u)) {}

    std::unique_ptr<connection> open(deadline until, std::error_code& ec) const {
        auto c = redis::open(*url_, until, ec);
        if (!c) return nullptr;
        return std::make_unique<connection>(connection{std::move(c)});
    }
    // An idle connection has nothing to read: a readable socket means the server
    // closed it (a restart) or broke the protocol.
    static bool dead(connection& c) noexcept {
        if (c.ctx->err) return true;
        pollfd p{c.ctx->fd, POLLIN, 0};
        return p.fd < 0 || ::poll(&p, 1, 0) != 0;
    }

private:
    std::shared_ptr<const url> url_;
};

using pool = net_pool<connection, connection_factory>;

} // namespace warden::detail::redis

#endif
