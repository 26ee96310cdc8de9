/// @file
/// The access log: one line per request, written to a sink chosen at compile time.
///
/// A line reads
/// `2026-11-28T13:55:13.123Z 127.0.0.1 GET /api/notes/?page&search 200 57 412us`:
/// the UTC time the response finished, the peer address, the method, the path with the
/// query string's keys only (values are dropped: they may hold tokens or passwords),
/// the status, the response body bytes and the duration from the end of the request
/// header to the last byte of the response, in microseconds. Bytes outside printable
/// ASCII, `"` and `\` are written as `\xHH`, so a line never spans lines nor contains a
/// space inside a field. Header values (Authorization, Cookie, Set-Cookie, ...) and
/// bodies are never written.
///
/// A sink is any callable `sink(std::string_view line)` where `line` ends with '\n'.
/// Servers call it from several I/O threads at once, so it must be thread-safe. It is a
/// template argument of `warden::server` and `warden::serve`, called directly (no type
/// erasure, no indirect call).
#ifndef WARDEN_SERVER_ACCESS_LOG_HPP
#define WARDEN_SERVER_ACCESS_LOG_HPP

#include <warden/server/detail/log_format.hpp>

#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace warden {

/// A sink for access-log and error lines.
template <class S>
concept log_sink = std::invocable<S&, std::string_view>;

/// Writes lines to a C stream (stderr by default), one `fwrite` per line under the
/// stream's lock. The default sink.
///
/// @code
/// warden::serve(site, {.port = 8000}, warden::file_log{stdout});
/// @endcode
struct file_log {
    std::FILE* file = stderr;

    void operator()(std::string_view line) const noexcept {
        if (file) std::fwrite(line.data(), 1, line.size(), file);
    }
};

/// Writes lines to a C stream from a writer thread the sink owns, so that I/O threads
/// never wait for a `write(2)`: a line is appended to a buffer under a mutex, and the
/// writer writes the buffer out every `interval` (default 50 ms), or as soon as it holds
/// 64 KiB, and when the sink is destroyed. Lines keep their order; none is dropped: when
/// `max_pending` bytes (default 4 MiB) wait, callers block until the writer catches up.
/// A line reaches the file at most `interval` after it was logged (call `flush()` to
/// write at once); lines still pending when the process is killed are lost, as with any
/// buffered log.
///
/// Use it for production servers that log to a file or a pipe; `file_log` writes each
/// line at once.
///
/// @code
/// warden::serve(site, {.port = 8000}, warden::buffered_log{stderr});
/// @endcode
class buffered_log {
public:
    /// Starts the writer thread. `file` must stay open until the sink is destroyed.
    /// @throws std::system_error when the thread cannot be started.
    buffered_log(std::FILE* file = stderr, std::chrono::milliseconds interval = std::chrono::milliseconds(50),
                 std::size_t max_pending = std::size_t{4} << 20)
        : s_(std::make_unique<state>(file, interval, max_pending)) {
        s_->writer = std::thread([st = s_.get()] { st->run(); });
    }

    buffered_log(buffered_log&&) noexcept = default;
    buffered_log& operator=(buffered_log&&) = delete;

    /// Writes out what is pending and stops the writer.
    ~buffered_log() {
        if (!s_) return;   // moved from
        {
            std::lock_guard lock{s_->mutex};
            s_->stopping = true;
        }
        s_->wake_writer.notify_one();
        s_->writer.join();
    }

    /// Queues `line` (thread-safe).
    void operator()(std::string_view line) const {
        std::unique_lock lock{s_->mutex};
        s_->wake_caller.wait(lock, [&] { return s_->pending.size() + line.size() <= s_->max_pending || s_->pending.empty(); });
        s_->pending.append(line);
        if (s_->pending.size() >= state::eager_bytes) s_->wake_writer.notify_one();
    }

    /// Returns once every line queued before the call is written and flushed.
    void flush() const {
        std::unique_lock lock{s_->mutex};
        std::uint64_t target = s_->queued_total();
        s_->flush_requested = true;
        s_->wake_writer.notify_one();
        s_->wake_caller.wait(lock, [&] { return s_->written >= target; });
    }

private:
    struct state {
        static constexpr std::size_t eager_bytes = 64 * 1024;

        state(std::FILE* f, std::chrono::milliseconds i, std::size_t m)
            : file(f), interval(i), max_pending(m < eager_bytes ? eager_bytes : m) {
            pending.reserve(eager_bytes);
        }

        std::uint64_t queued_total() const { return written + in_flight + pending.size(); }

        void run() noexcept {
            std::string batch;
            std::unique_lock lock{mutex};
            for (;;) {
                wake_writer.wait_for(lock, interval, [&] { return stopping || pending.size() >= eager_bytes || flush_requested; });
                flush_requested = false;
                if (!pending.empty()) {
                    batch.swap(pending);
                    in_flight = batch.size();
                    wake_caller.notify_all();   // room again for blocked callers
                    lock.unlock();
                    if (file) {
                        std::fwrite(batch.data(), 1, batch.size(), file);
                        std::fflush(file);
                    }
                    batch.clear();
                    lock.lock();
                    written += in_flight;
                    in_flight = 0;
                    wake_caller.notify_all();   // flush() waiters
                }
                if (stopping && pending.empty()) return;
            }
        }

        std::FILE* file;
        std::chrono::milliseconds interval;
        std::size_t max_pending;
        std::mutex mutex;
        std::condition_variable wake_writer, wake_caller;
        std::string pending;
        std::uint64_t written = 0, in_flight = 0;
        bool stopping = false, flush_requested = false;
        std::thread writer;
    };
    std::unique_ptr<state> s_;
};

/// Writes lines to a `std::ostream`, serialized by a mutex the sink owns.
///
/// @code
/// std::ofstream out{"access.log", std::ios::app};
/// warden::serve(site, {}, warden::ostream_log{out});
/// @endcode
class ostream_log {
public:
    /// `os` must outlive the sink.
    explicit ostream_log(std::ostream& os) : os_(&os), mutex_(std::make_unique<std::mutex>()) {}

    void operator()(std::string_view line) const {
        std::lock_guard lock{*mutex_};
        os_->write(line.data(), static_cast<std::streamsize>(line.size()));
        os_->flush();
    }

private:
    std::ostream* os_;
    std::unique_ptr<std::mutex> mutex_;
};

/// Discards every line (no formatting cost either: servers skip formatting for it).
///
/// @code
/// warden::server<decltype(site), warden::no_log> quiet{site, {.port = 0}};
/// @endcode
struct no_log {
    void operator()(std::string_view) const noexcept {}
};

} // namespace warden

#endif
