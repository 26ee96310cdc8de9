// How to talk to PostgreSQL from the server: synchronous calls on the blocking pool, or
// libpq's non-blocking API driven by one thread? The same point lookup (warden's
// find_token: a token by its digest joined to its user) is run for a fixed time by
//   sync       N threads, each with its own connection, a blocking round trip at a time
//              (what a store call on the server's blocking pool costs, without warden)
//   async      one thread driving N connections with PQsendQueryPrepared and poll()
//              (an event loop, as an Asio adapter would be)
//   pipeline   one thread, one connection in libpq's pipeline mode, N queries in flight
//   store      warden::postgres_store::find_token from N threads (the real path: the
//              pool, the deadline-driven round trip, the adaptor)
// and prints, per mode, queries per second, the client's CPU time per query, and the
// server's (the postmaster's process tree, read from /proc) per query.
//
//   bench_pg --url postgresql://postgres@127.0.0.1:PORT/warden --postmaster PID
//            [--clients N] [--seconds S] [--modes sync,async,pipeline,store]
//
// benchmarks/pg_modes.sh starts a private PostgreSQL and runs it; docs/benchmarks.md
// has the results.
#include <warden/store/postgres_store.hpp>
#include <warden/token/key.hpp>

#include <libpq-fe.h>
#include <poll.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* lookup_sql =
    "SELECT t.created, t.expires_at, u.id, u.username, u.email, u.password, u.is_active, u.is_staff, u.is_superuser, "
    "u.date_joined, u.last_login FROM bench.warden_tokens t JOIN bench.warden_users u ON u.id = t.user_id "
    "WHERE t.digest = $1::bytea";

struct options {
    std::string url;
    int postmaster = 0;
    int clients = 8;
    double seconds = 5;
    std::string modes = "sync,async,pipeline,store";
};

double cpu_seconds_self() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process (clock ticks), from /proc/PID/stat.
long long proc_ticks(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::atoll(field.c_str());
        if (i == 15) stime = std::atoll(field.c_str());
    }
    return utime + stime;
}

int parent_of(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(s.substr(close + 2));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    return ppid;
}

// CPU seconds of the postmaster and its children (the backends, whose exits are not
// counted: the benchmark's connections stay open while it is measured).
double server_cpu(int postmaster) {
    if (postmaster <= 0) return 0;
    long long ticks = proc_ticks(postmaster);
    if (DIR* d = opendir("/proc")) {
        while (dirent* e = readdir(d)) {
            int pid = std::atoi(e->d_name);
            if (pid > 0 && pid != postmaster && parent_of(pid) == postmaster) ticks += proc_ticks(pid);
        }
        closedir(d);
    }
    return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

PGconn* connect(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::fprintf(stderr, "bench_pg: cannot connect: %s", PQerrorMessage(c));
        std::exit(1);
    }
    PGresult* r = PQprepare(c, "lookup", lookup_sql, 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        std::fprintf(stderr, "bench_pg: prepare failed: %s", PQerrorMessage(c));
        std::exit(1);
    }
    PQclear(r);
    return c;
}

std::vector<std::string> digests;   // \x... text of the tokens in the table

// The table: 1000 users with one token each, in schema bench (made by postgres_store).
void setup(const std::string& url) {
    warden::postgres_store s{url, {.schema = "bench"}};
    if (s.list_users().size() >= 1000) {
        for (int i = 0; i < 1000; ++i) {
            auto d = warden::token::digest_key("bench-key-" + std::to_string(i));
            static constexpr char hex[] = "0123456789abcdef";
            std::string t = "\\x";
            for (unsigned char b : d) t.append({hex[b >> 4], hex[b & 15]});
            digests.push_back(t);
        }
        return;
    }
    for (int i = 0; i < 1000; ++i) {
        warden::user u;
        u.username = "user" + std::to_string(i);
        u.email = u.username + "@example.com";
        if (s.create_user(u)) std::exit(1);
        auto d = warden::token::digest_key("bench-key-" + std::to_string(i));
        if (s.add_token({d, u.id, 1, 0})) std::exit(1);
        static constexpr char hex[] = "0123456789abcdef";
        std::string t = "\\x";
        for (unsigned char b : d) t.append({hex[b >> 4], hex[b & 15]});
        digests.push_back(t);
    }
}

struct result {
    std::uint64_t queries = 0;
    double wall = 0, client_cpu = 0, server_cpu = 0;
};

template <class Run>
result measure(const options& o, Run&& run) {
    const double c0 = cpu_seconds_self(), s0 = server_cpu(o.postmaster);
    const auto t0 = std::chrono::steady_clock::now();
    result r;
    r.queries = run(t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(o.seconds)));
    r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.client_cpu = cpu_seconds_self() - c0;
    r.server_cpu = server_cpu(o.postmaster) - s0;
    return r;
}

bool row_ok(PGresult* r) { return PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1; }

result run_sync(const options& o) {
    std::vector<PGconn*> conns;
    for (int i = 0; i < o.clients; ++i) conns.push_back(connect(o.url));
    auto r = measure(o, [&](auto until) {
        std::atomic<std::uint64_t> total{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < o.clients; ++t)
            threads.emplace_back([&, t] {
                std::uint64_t n = 0;
                for (std::size_t i = t; std::chrono::steady_clock::now() < until; ++i) {
                    const char* v[] = {digests[i % digests.size()].c_str()};
                    PGresult* res = PQexecPrepared(conns[t], "lookup", 1, v, nullptr, nullptr, 0);
                    if (!row_ok(res)) std::abort();
                    PQclear(res);
                    ++n;
                }
                total += n;
            });
        for (auto& th : threads) th.join();
        return total.load();
    });
    for (auto c : conns) PQfinish(c);
    return r;
}

result run_async(const options& o) {
    std::vector<PGconn*> conns;
    for (int i = 0; i < o.clients; ++i) {
        conns.push_back(connect(o.url));
        PQsetnonblocking(conns.back(), 1);
    }
    auto r = measure(o, [&](auto until) {
        std::uint64_t n = 0, next = 0;
        auto send = [&](PGconn* c) {
            const char* v[] = {digests[next++ % digests.size()].c_str()};
            if (!PQsendQueryPrepared(c, "lookup", 1, v, nullptr, nullptr, 0)) std::abort();
            while (PQflush(c) == 1) {}
        };
        for (auto c : conns) send(c);
        std::vector<pollfd> fds(conns.size());
        std::size_t busy = conns.size();
        while (busy > 0) {
            for (std::size_t i = 0; i < conns.size(); ++i) fds[i] = {PQsocket(conns[i]), POLLIN, 0};
            if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
            for (std::size_t i = 0; i < conns.size(); ++i) {
                if (!(fds[i].revents & POLLIN)) continue;
                PGconn* c = conns[i];
                if (!PQconsumeInput(c)) std::abort();
                if (PQisBusy(c)) continue;
                bool answered = false;
                while (PGresult* res = PQgetResult(c)) {
                    if (!row_ok(res)) std::abort();
                    PQclear(res);
                    answered = true;
                }
                if (!answered) continue;
                ++n;
                if (std::chrono::steady_clock::now() < until) send(c);
                else --busy;
            }
        }
        return n;
    });
    for (auto c : conns) PQfinish(c);
    return r;
}

result run_pipeline(const options& o) {
    PGconn* c = connect(o.url);
    PQsetnonblocking(c, 1);
    if (!PQenterPipelineMode(c)) std::abort();
    auto r = measure(o, [&](auto until) {
        std::uint64_t n = 0, next = 0;
        int in_flight = 0;
        auto send = [&] {
            const char* v[] = {digests[next++ % digests.size()].c_str()};
            if (!PQsendQueryPrepared(c, "lookup", 1, v, nullptr, nullptr, 0)) std::abort();
            if (!PQpipelineSync(c)) std::abort();
            ++in_flight;
        };
        for (int i = 0; i < o.clients; ++i) send();
        while (in_flight > 0) {
            while (PQflush(c) == 1) {}
            pollfd p{PQsocket(c), POLLIN, 0};
            if (::poll(&p, 1, 1000) <= 0) continue;
            if (!PQconsumeInput(c)) std::abort();
            while (!PQisBusy(c)) {
                PGresult* res = PQgetResult(c);
                if (!res) continue;   // the end of one query's results
                const auto st = PQresultStatus(res);
                PQclear(res);
                if (st == PGRES_PIPELINE_SYNC) {
                    --in_flight;
                    ++n;
                    if (std::chrono::steady_clock::now() < until) send();
                    if (in_flight == 0) break;
                } else if (st != PGRES_TUPLES_OK) {
                    std::abort();
                }
            }
        }
        return n;
    });
    PQfinish(c);
    return r;
}

result run_store(const options& o) {
    warden::postgres_store s{o.url, {.pool_size = static_cast<std::size_t>(o.clients), .schema = "bench"}};
    std::vector<warden::token::key_digest> keys;
    for (int i = 0; i < 1000; ++i) keys.push_back(warden::token::digest_key("bench-key-" + std::to_string(i)));
    for (int i = 0; i < o.clients; ++i) s.find_token(keys[i]);   // warm: connections open, statement prepared
    return measure(o, [&](auto until) {
        std::atomic<std::uint64_t> total{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < o.clients; ++t)
            threads.emplace_back([&, t] {
                std::uint64_t n = 0;
                std::error_code ec;
                for (std::size_t i = t; std::chrono::steady_clock::now() < until; ++i) {
                    if (!s.find_token(keys[i % keys.size()], ec) || ec) std::abort();
                    ++n;
                }
                total += n;
            });
        for (auto& th : threads) th.join();
        return total.load();
    });
}

} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--url") o.url = argv[i + 1];
        else if (a == "--postmaster") o.postmaster = std::atoi(argv[i + 1]);
        else if (a == "--clients") o.clients = std::atoi(argv[i + 1]);
        else if (a == "--seconds") o.seconds = std::atof(argv[i + 1]);
        else if (a == "--modes") o.modes = argv[i + 1];
        else {
            std::fprintf(stderr, "bench_pg: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (o.url.empty() || o.clients < 1) {
        std::fprintf(stderr, "usage: bench_pg --url URL [--postmaster PID] [--clients N] [--seconds S] [--modes LIST]\n");
        return 2;
    }
    setup(o.url);
    std::fprintf(stderr, "%-9s %8s %12s %16s %16s\n", "mode", "clients", "queries/s", "client us/query", "server us/query");
    std::printf("{\"clients\": %d, \"results\": {", o.clients);
    std::string json;
    std::stringstream modes(o.modes);
    std::string mode;
    bool first = true;
    std::map<std::string, result> out;
    while (std::getline(modes, mode, ',')) {
        result r;
        if (mode == "sync") r = run_sync(o);
        else if (mode == "async") r = run_async(o);
        else if (mode == "pipeline") r = run_pipeline(o);
        else if (mode == "store") r = run_store(o);
        else continue;
        out[mode] = r;
        std::fprintf(stderr, "%-9s %8d %12.0f %16.1f %16.1f\n", mode.c_str(), o.clients, r.queries / r.wall,
                     1e6 * r.client_cpu / r.queries, 1e6 * r.server_cpu / r.queries);
        std::printf("%s\"%s\": {\"qps\": %.1f, \"client_us\": %.2f, \"server_us\": %.2f}", first ? "" : ", ", mode.c_str(),
                    r.queries / r.wall, 1e6 * r.client_cpu / r.queries, 1e6 * r.server_cpu / r.queries);
        first = false;
    }
    std::printf("}}\n");
    return 0;
}
