// A fixed set of threads taking jobs from a bounded first-in-first-out queue, each job
// with a deadline. The server keeps two: one for short blocking calls (a database) and
// one for password hashing, so a burst of slow hashes (PBKDF2 takes about 0.3 s) cannot
// queue ahead of a cheap token lookup. A full queue refuses at once (the request is
// answered 503), and a job still queued past its deadline is told so when its turn
// comes instead of being run for a client that has waited too long.
//
// A job is the connection that waits (kept alive by its shared_ptr) and a plain
// function of it: no allocation per job beyond the queue's own storage.
#ifndef WARDEN_SERVER_DETAIL_WORK_QUEUE_HPP
#define WARDEN_SERVER_DETAIL_WORK_QUEUE_HPP

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace warden::detail {

class work_queue {
public:
    using clock = std::chrono::steady_clock;

    struct job {
        std::shared_ptr<void> owner;
        // `expired`: the deadline passed while the job waited, or the queue was stopped;
        // the function must then answer without doing the work.
        void (*run)(const std::shared_ptr<void>& owner, bool expired) = nullptr;
        clock::time_point deadline;
    };

    // `threads` >= 1; `capacity`: jobs that may wait for a thread beyond those an idle
    // thread takes at once (running ones not counted).
    work_queue(unsigned threads, std::size_t capacity) : capacity_(capacity) {
        try {
            threads_.reserve(threads);
            for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
        } catch (...) {
            stop();   // the destructor will not run: end the threads already started
            join();
            throw;
        }
    }

    work_queue(const work_queue&) = delete;
    work_queue& operator=(const work_queue&) = delete;

    ~work_queue() {
        stop();
        join();
    }

    // Queues `j`; false when the queue is full or stopped (the caller answers 503).
    bool try_push(job j) {
        {
            std::lock_guard lock{mutex_};
            if (stopped_ || jobs_.size() >= capacity_ + idle_) return false;
            jobs_.push_back(std::move(j));
        }
        ready_.notify_one();
        return true;
    }

    // Jobs not yet taken by a thread.
    std::size_t waiting() const {
        std::lock_guard lock{mutex_};
        return jobs_.size();
    }

    // No new jobs; the threads hand the queued ones their turn as expired, then return.
    void stop() noexcept {
        {
            std::lock_guard lock{mutex_};
            stopped_ = true;
        }
        ready_.notify_all();
    }

    void join() noexcept {
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

private:
    void work() noexcept {
        for (;;) {
            job j;
            bool stopped = false;
            {
                std::unique_lock lock{mutex_};
                ++idle_;
                ready_.wait(lock, [&] { return stopped_ || !jobs_.empty(); });
                --idle_;
                if (jobs_.empty()) return;   // stopped and drained
                j = std::move(jobs_.front());
                jobs_.pop_front();
                stopped = stopped_;
            }
            j.run(j.owner, stopped || clock::now() > j.deadline);
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<job> jobs_;
    std::size_t capacity_;
    std::size_t idle_ = 0;   // threads waiting for a job
    bool stopped_ = false;
    std::vector<std::thread> threads_;
};

} // namespace warden::detail

#endif
