// RAII over libpq and one round trip with a hard deadline.
//
// Why libpq's asynchronous calls under a synchronous interface: the store's callers run
// on the server's blocking pool and wait for their answer anyway, but libpq's blocking
// calls (PQexec, PQconnectdb) can wait forever on a server that stopped answering. Here
// every connect and every query is driven by poll() against one deadline, so a dead or
// hung server costs a request at most the store's timeout.
//
// PostgreSQL's messages (PQresultErrorMessage) are never read for errors on the request
// path: they quote values ("Key (username)=(alice) already exists"), and values here
// include password hashes and session keys. Only the SQLSTATE crosses into store_errc.
#ifndef WARDEN_STORE_DETAIL_PG_HPP
#define WARDEN_STORE_DETAIL_PG_HPP

#include <warden/store/error.hpp>

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::detail::pg {

using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

struct conn_deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using conn_handle = std::unique_ptr<PGconn, conn_deleter>;

struct result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_handle = std::unique_ptr<PGresult, result_deleter>;

/// The store error for a failed statement's SQLSTATE.
inline store_errc map_sqlstate(std::string_view state) noexcept {
    if (state == "23505") return store_errc::duplicate;                        // unique_violation
    if (state == "23503") return store_errc::not_found;                        // foreign_key_violation
    if (state == "57014") return store_errc::timeout;                          // query_canceled (statement_timeout)
    if (state == "40001" || state == "40P01" || state == "55P03") return store_errc::busy;   // serialization, deadlock, lock
    if (state.starts_with("53")) return store_errc::busy;                      // insufficient resources
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03")
        return store_errc::unavailable;                                        // connection lost, server shutting down
    return store_errc::io;
}

/// Waits until the socket of `c` is readable (and writable when `write`), or the
/// deadline passes. 1 ready, 0 timed out, -1 failed.
inline int wait_socket(PGconn* c, bool read, bool write, deadline until) noexcept {
    const int fd = PQsocket(c);
    if (fd < 0) return -1;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
        if (left <= 0) return 0;
        pollfd p{fd, static_cast<short>((read ? POLLIN : 0) | (write ? POLLOUT : 0)), 0};
        // Round up, so a wait never ends a millisecond early and spins.
        int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 60'000)));
        if (n > 0) return 1;
        if (n < 0 && errno != EINTR) return -1;
    }
}

/// Opens a connection to `conninfo` (a postgresql:// URL or "key=value ..." text)
/// with the extra settings `keywords`/`values` (null-terminated), in non-blocking mode.
/// On failure returns null with `ec` (`unavailable`, or `timeout` past the deadline)
/// and libpq's message in `why` (for start-up errors; it names hosts, never values).
inline conn_handle connect(const char* const* keywords, const char* const* values, deadline until, std::error_code& ec,
                           std::string* why = nullptr) {
    conn_handle c(PQconnectStartParams(keywords, values, 1));
    auto fail = [&](store_errc e) {
        if (why && c) {
            *why = PQerrorMessage(c.get());
            while (!why->empty() && (why->back() == '\n' || why->back() == ' ')) why->pop_back();
            for (auto& ch : *why)
                if (ch == '\n' || ch == '\t') ch = ' ';
        }
        ec = e;
        return conn_handle{};
    };
    if (!c) throw std::bad_alloc();
    if (PQstatus(c.get()) == CONNECTION_BAD) return fail(store_errc::unavailable);
    // Notices (CREATE ... IF NOT EXISTS skipping, ...) would go to stderr, and may quote values.
    PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
    for (;;) {
        switch (PQconnectPoll(c.get())) {
        case PGRES_POLLING_OK:
            if (PQsetnonblocking(c.get(), 1) != 0) return fail(store_errc::unavailable);
            ec.clear();
            return c;
        case PGRES_POLLING_FAILED: return fail(store_errc::unavailable);
        case PGRES_POLLING_READING:
            if (int w = wait_socket(c.get(), true, false, until); w <= 0)
                return fail(w == 0 ? store_errc::timeout : store_errc::unavailable);
            break;
        case PGRES_POLLING_WRITING:
            if (int w = wait_socket(c.get(), false, true, until); w <= 0)
                return fail(w == 0 ? store_errc::timeout : store_errc::unavailable);
            break;
        default: break;   // PGRES_POLLING_ACTIVE: poll again
        }
    }
}

/// True when an idle connection is no longer usable: the server closed it (a restart,
/// an administrator's termination) or sent something while nobody asked. warden never
/// LISTENs, so a readable idle socket is never a good sign: a terminated backend sends
/// its FATAL message first and the end of the stream only after it, so reading once may
/// still leave the status CONNECTION_OK. Such a connection is not trusted again.
inline bool idle_connection_dead(PGconn* c) noexcept {
    if (PQstatus(c) != CONNECTION_OK) return true;
    pollfd p{PQsocket(c), POLLIN, 0};
    if (p.fd < 0) return true;
    return ::poll(&p, 1, 0) != 0;
}

/// Waits for the answer to the query just sent on `c` and returns its last result
/// (every result is read, so the connection is idle again). On failure returns null
/// with `ec`: the statement's SQLSTATE mapped (the connection stays usable), or
/// `unavailable`/`timeout` when the connection broke or the deadline passed (the
/// connection must then be dropped: `broken` is set).
inline result_handle await_result(PGconn* c, deadline until, std::error_code& ec, bool& broken) {
    broken = false;
    auto lost = [&](store_errc e) {
        broken = true;
        ec = e;
        return result_handle{};
    };
    // Send what libpq still buffers (a large parameter).
    for (;;) {
        int f = PQflush(c);
        if (f == 0) break;
        if (f < 0) return lost(store_errc::unavailable);
        if (int w = wait_socket(c, true, true, until); w <= 0) return lost(w == 0 ? store_errc::timeout : store_errc::unavailable);
        if (PQconsumeInput(c) == 0) return lost(store_errc::unavailable);
    }
    result_handle last;
    std::string_view failed_state;
    result_handle failed;
    for (;;) {
        while (PQisBusy(c)) {
            if (int w = wait_socket(c, true, false, until); w <= 0)
                return lost(w == 0 ? store_errc::timeout : store_errc::unavailable);
            if (PQconsumeInput(c) == 0) return lost(store_errc::unavailable);
        }
        result_handle r(PQgetResult(c));
        if (!r) break;
        const auto status = PQresultStatus(r.get());
        if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
            if (!failed) failed = std::move(r);
        } else {
            last = std::move(r);
        }
    }
    if (PQstatus(c) != CONNECTION_OK) return lost(store_errc::unavailable);
    if (failed) {
        const char* state = PQresultErrorField(failed.get(), PG_DIAG_SQLSTATE);
        ec = map_sqlstate(state ? std::string_view(state) : std::string_view{});
        // A server going away mid-answer ends the connection as well.
        broken = ec == store_errc::unavailable;
        return {};
    }
    ec.clear();
    return last;
}

/// Parameters of one statement, as text (libpq's text format), or null for SQL NULL.
/// Text of integers and doubles is formatted here; strings are referenced, not copied:
/// the caller's values outlive the call.
class params {
public:
    // libpq reads parameters as C strings: a view is copied into a terminated string.
    params& add(std::string_view text) { return add_owned(std::string(text)); }
    params& add(const std::string& s) {
        values_.push_back(s.c_str());
        return *this;
    }
    params& add(const char* s) { return add(std::string_view(s)); }
    params& add(std::int64_t v) {
        char buf[24];
        auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
        return add_owned(std::string(buf, end));
    }
    params& add(bool v) {
        values_.push_back(v ? "t" : "f");
        return *this;
    }
    params& add(double v) {
        char buf[32];
        // Shortest text that reads back as the same double (PostgreSQL's float8 input is strtod).
        auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
        return add_owned(std::string(buf, end));
    }
    /// bytea as PostgreSQL's hex text: \x followed by two digits per byte.
    params& add_bytes(std::span<const unsigned char> bytes) {
        static constexpr char hex[] = "0123456789abcdef";
        std::string s = "\\x";
        s.reserve(2 + 2 * bytes.size());
        for (unsigned char b : bytes) {
            s.push_back(hex[b >> 4]);
            s.push_back(hex[b & 0xf]);
        }
        return add_owned(std::move(s));
    }
    params& add_null() {
        values_.push_back(nullptr);
        return *this;
    }

    int count() const noexcept { return static_cast<int>(values_.size()); }
    const char* const* values() const noexcept { return values_.data(); }

private:
    params& add_owned(std::string s) {
        owned_.push_back(std::make_unique<std::string>(std::move(s)));
        values_.push_back(owned_.back()->c_str());
        return *this;
    }
    std::vector<const char*> values_;
    std::vector<std::unique_ptr<std::string>> owned_;
};

/// Readers of text-format result fields.
struct row_reader {
    PGresult* r;
    int row;

    bool is_null(int col) const noexcept { return PQgetisnull(r, row, col) != 0; }
    std::string_view text(int col) const noexcept {
        return {PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))};
    }
    std::int64_t int64(int col) const noexcept {
        std::int64_t v = 0;
        auto t = text(col);
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    }
    bool boolean(int col) const noexcept { return text(col) == "t"; }
    double real(int col) const noexcept {
        auto t = text(col);
        double v = 0;
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    }
    /// A bytea field in hex text; false when it is not that.
    bool bytes(int col, std::span<unsigned char> out) const noexcept {
        auto t = text(col);
        if (t.size() != 2 + 2 * out.size() || t[0] != '\\' || t[1] != 'x') return false;
        auto nibble = [](char ch) -> int {
            if (ch >= '0' && ch <= '9') return ch - '0';
            if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
            return -1;
        };
        for (std::size_t i = 0; i < out.size(); ++i) {
            int hi = nibble(t[2 + 2 * i]), lo = nibble(t[3 + 2 * i]);
            if (hi < 0 || lo < 0) return false;
            out[i] = static_cast<unsigned char>(hi << 4 | lo);
        }
        return true;
    }
};

/// Rows a command changed (PQcmdTuples), 0 when it reports none.
inline std::size_t changed_rows(PGresult* r) noexcept {
    const char* t = PQcmdTuples(r);
    std::size_t n = 0;
    if (t) std::from_chars(t, t + std::strlen(t), n);
    return n;
}

} // namespace warden::detail::pg

#endif
