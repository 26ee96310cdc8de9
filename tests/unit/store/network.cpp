// The network backends' parts that need no server: the connection pool (with a fake
// factory), redis:// URLs, the PostgreSQL server named without its password, and the
// mapping of server errors to store_errc.
#include <warden/store/detail/net_pool.hpp>
#include <warden/store/detail/pg.hpp>
#include <warden/store/detail/pg_backend.hpp>
#include <warden/store/detail/redis.hpp>
#include <warden/store/postgres_store.hpp>
#include <warden/store/redis_store.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

using namespace warden;
using namespace std::chrono_literals;

namespace {

struct fake_conn {
    int id = 0;
    bool dead = false;
};

// A server that can be switched off, and whose connects can be held to simulate a
// slow probe.
struct fake_server {
    std::mutex mu;
    std::condition_variable cv;
    bool reachable = true;
    bool hold_connects = false;
    int connecting = 0;
    int opened = 0;
};

struct fake_factory {
    fake_server* server;
    std::unique_ptr<fake_conn> open(std::chrono::steady_clock::time_point, std::error_code& ec) const {
        std::unique_lock lock(server->mu);
        ++server->connecting;
        server->cv.notify_all();
        server->cv.wait(lock, [&] { return !server->hold_connects; });
        --server->connecting;
        if (!server->reachable) {
            ec = store_errc::unavailable;
            return nullptr;
        }
        ec.clear();
        return std::make_unique<fake_conn>(fake_conn{++server->opened, false});
    }
    static bool dead(fake_conn& c) noexcept { return c.dead; }
};

using fake_pool = detail::net_pool<fake_conn, fake_factory>;

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + 2s; }

} // namespace

TEST_CASE("the pool opens connections on demand up to its size, reuses them, and is busy past the deadline",
          "[store][pool]") {
    fake_server server;
    fake_pool pool(fake_factory{&server}, 2);
    std::error_code ec;
    {
        auto a = pool.acquire(soon(), ec);
        REQUIRE(a);
        auto b = pool.acquire(soon(), ec);
        REQUIRE(b);
        CHECK(a->id != b->id);
        auto c = pool.acquire(std::chrono::steady_clock::now() + 20ms, ec);
        CHECK_FALSE(c);
        CHECK(ec == store_errc::busy);
    }
    CHECK(pool.open_count() == 2);
    auto again = pool.acquire(soon(), ec);
    REQUIRE(again);
    CHECK(server.opened == 2);   // reused, not reopened
}

TEST_CASE("a dropped connection is replaced, and an idle one found dead is never handed out", "[store][pool]") {
    fake_server server;
    fake_pool pool(fake_factory{&server}, 2);
    std::error_code ec;
    int first = 0;
    {
        auto a = pool.acquire(soon(), ec);
        first = a->id;
        a->dead = true;   // the server closes it while it sits idle
    }
    auto b = pool.acquire(soon(), ec);
    REQUIRE(b);
    CHECK(b->id != first);
    CHECK(pool.open_count() == 1);
    b.drop();
    CHECK(pool.open_count() == 0);
    auto c = pool.acquire(soon(), ec);
    CHECK(c);
}

TEST_CASE("a connection that breaks alone is replaced alone: the others stay in use and the pool stays up",
          "[store][pool][faults]") {
    fake_server server;
    fake_pool pool(fake_factory{&server}, 3);
    std::error_code ec;
    int kept = 0;
    {
        auto a = pool.acquire(soon(), ec);
        auto b = pool.acquire(soon(), ec);
        REQUIRE(a);
        REQUIRE(b);
        kept = b->id;
        a.drop(store_errc::unavailable);   // e.g. pg_terminate_backend on a's server process
    }
    CHECK(pool.open_count() == 1);   // b went back to the pool
    auto b = pool.acquire(soon(), ec);
    REQUIRE(b);
    CHECK(b->id == kept);
    auto c = pool.acquire(soon(), ec);   // a's place: a new connection, no probe
    REQUIRE(c);
    CHECK(server.opened == 3);

    // When the server itself is gone its idle connections are found dead, and the failed
    // connect of the replacement takes the pool down.
    b->dead = true;
    c->dead = true;
    {
        std::lock_guard lock(server.mu);
        server.reachable = false;
    }
    b.drop(store_errc::unavailable);
    {
        auto gone = std::move(c);   // given back, found dead on the next acquire
    }
    CHECK_FALSE(pool.acquire(soon(), ec));
    CHECK(ec == store_errc::unavailable);
    CHECK(pool.open_count() == 0);
    {
        std::lock_guard lock(server.mu);
        server.reachable = true;
    }
    CHECK(pool.acquire(soon(), ec));
}

TEST_CASE("while the server is away one caller probes and the others fail at once; the first success ends it",
          "[store][pool][faults]") {
    fake_server server;
    fake_pool pool(fake_factory{&server}, 4);
    std::error_code ec;
    {
        auto a = pool.acquire(soon(), ec);
        auto b = pool.acquire(soon(), ec);
        {
            std::lock_guard lock(server.mu);
            server.reachable = false;
        }
        a.drop(store_errc::timeout);   // a's query got no answer: b, handed out before, is not reused
    }
    CHECK(pool.open_count() == 0);
    CHECK_FALSE(pool.acquire(soon(), ec));   // the probe fails
    CHECK(ec == store_errc::unavailable);

    // A slow probe: everyone else is told at once.
    {
        std::lock_guard lock(server.mu);
        server.hold_connects = true;
    }
    std::error_code probe_ec;
    bool probe_ok = false;
    std::thread prober([&] {
        auto l = pool.acquire(soon(), probe_ec);
        probe_ok = static_cast<bool>(l);
    });
    {
        std::unique_lock lock(server.mu);
        server.cv.wait(lock, [&] { return server.connecting == 1; });
    }
    for (int i = 0; i < 3; ++i) {
        std::error_code fast;
        CHECK_FALSE(pool.acquire(soon(), fast));
        CHECK(fast == store_errc::unavailable);
    }
    {
        std::lock_guard lock(server.mu);
        server.reachable = true;
        server.hold_connects = false;
    }
    server.cv.notify_all();
    prober.join();
    CHECK(probe_ok);
    CHECK_FALSE(probe_ec);
    CHECK(pool.acquire(soon(), ec));   // up again
}

TEST_CASE("redis:// URLs are read strictly and shown without their password", "[store][redis][url]") {
    using detail::redis::url;
    auto u = url::parse("redis://127.0.0.1:6380/3");
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 6380);
    CHECK(u.db == 3);
    CHECK(u.password.empty());
    auto d = url::parse("redis://cache.internal");
    CHECK(d.port == 6379);
    CHECK(d.db == 0);
    auto auth = url::parse("redis://app:s3cret@[::1]:7000/1");
    CHECK(auth.host == "::1");
    CHECK(auth.port == 7000);
    CHECK(auth.user == "app");
    CHECK(auth.password == "s3cret");
    CHECK(auth.describe() == "redis://[::1]:7000/1");
    auto pw_only = url::parse("redis://:pw@host/0");
    CHECK(pw_only.user.empty());
    CHECK(pw_only.password == "pw");
    for (auto bad : {"http://host", "redis://", "redis://host:0", "redis://host:99999", "redis://host:x", "redis://host/x",
                     "redis://host/1?ssl=true", "redis://user@host", "redis://[::1"}) {
        INFO(bad);
        CHECK_THROWS_AS(url::parse(bad), std::invalid_argument);
    }
    CHECK(redis_store::is_url("redis://h"));
    CHECK_FALSE(redis_store::is_url("postgresql://h"));
}

TEST_CASE("a PostgreSQL server is named by host, port, database and user, never its password", "[store][postgres][url]") {
    using detail::pg::describe;
    CHECK(describe("postgresql://warden:s3cret@db.internal:5433/auth") == "postgresql://warden@db.internal:5433/auth");
    CHECK(describe("host=127.0.0.1 port=5432 dbname=w user=u password=s3cret") == "postgresql://u@127.0.0.1:5432/w");
    CHECK(describe("postgresql:///w") == "postgresql://localhost/w");
    CHECK(describe("not a url = =") == "postgresql (an unreadable connection string)");
    CHECK(postgres_store::is_url("postgresql://x"));
    CHECK(postgres_store::is_url("postgres://x"));
    CHECK_FALSE(postgres_store::is_url("warden.db"));
}

TEST_CASE("server errors map to store_errc by their code alone", "[store][errors]") {
    using detail::pg::map_sqlstate;
    CHECK(map_sqlstate("23505") == store_errc::duplicate);
    CHECK(map_sqlstate("23503") == store_errc::not_found);
    CHECK(map_sqlstate("57014") == store_errc::timeout);
    CHECK(map_sqlstate("40001") == store_errc::busy);
    CHECK(map_sqlstate("40P01") == store_errc::busy);
    CHECK(map_sqlstate("53300") == store_errc::busy);
    CHECK(map_sqlstate("08006") == store_errc::unavailable);
    CHECK(map_sqlstate("57P01") == store_errc::unavailable);
    CHECK(map_sqlstate("57P03") == store_errc::unavailable);
    CHECK(map_sqlstate("42P01") == store_errc::io);
    CHECK(map_sqlstate("") == store_errc::io);
    using detail::redis::map_error_reply;
    CHECK(map_error_reply("LOADING Redis is loading the dataset in memory") == store_errc::unavailable);
    CHECK(map_error_reply("READONLY You can't write against a read only replica.") == store_errc::unavailable);
    CHECK(map_error_reply("BUSY Redis is busy running a script.") == store_errc::busy);
    CHECK(map_error_reply("ERR unknown command") == store_errc::io);
}
