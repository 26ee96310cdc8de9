// The live connections of one server, so a stop can reach each of them: an intrusive
// list (no allocation per connection) guarded by one mutex, which connections touch
// only when they open and close.
#ifndef WARDEN_SERVER_DETAIL_CONNECTION_SET_HPP
#define WARDEN_SERVER_DETAIL_CONNECTION_SET_HPP

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace warden::detail {

class connection_set {
public:
    // What a connection embeds. `notify` is called (outside the lock) with the owner
    // kept alive: `force` false asks for a graceful close, true for an immediate one.
    struct hook {
        hook* prev = nullptr;
        hook* next = nullptr;
        bool linked = false;
        std::weak_ptr<void> owner;
        void (*notify)(const std::shared_ptr<void>&, bool force) = nullptr;
    };

    enum class admission : unsigned char {
        added,
        stopping,        // the server is stopping: close
        full,            // at the limit: close
        full_reported,   // at the limit, and the first refusal in a while: close and log it
    };

    // `limit`: connections linked at once (connections past it are refused).
    explicit connection_set(std::size_t limit = static_cast<std::size_t>(-1)) noexcept : limit_(limit) {}
    connection_set(const connection_set&) = delete;
    connection_set& operator=(const connection_set&) = delete;

    // Links `h` unless the server is stopping or the limit is reached. Refusals are
    // reported at most once per `report_every`, so a flood writes one log line, not one
    // per connection.
    admission add(hook& h) {
        std::lock_guard lock{mutex_};
        if (stopping_) return admission::stopping;
        if (count_ >= limit_) {
            auto now = std::chrono::steady_clock::now();
            if (now - last_report_ < report_every) return admission::full;
            last_report_ = now;
            return admission::full_reported;
        }
        h.prev = nullptr;
        h.next = head_;
        if (head_) head_->prev = &h;
        head_ = &h;
        h.linked = true;
        ++count_;
        return admission::added;
    }

    void remove(hook& h) noexcept {
        std::lock_guard lock{mutex_};
        if (!h.linked) return;
        if (h.prev) h.prev->next = h.next; else head_ = h.next;
        if (h.next) h.next->prev = h.prev;
        h.linked = false;
        if (--count_ == 0) drained_.notify_all();
    }

    // Refuses new connections from now on and notifies every live one.
    void stop(bool force) {
        std::vector<std::pair<std::shared_ptr<void>, void (*)(const std::shared_ptr<void>&, bool)>> live;
        {
            std::lock_guard lock{mutex_};
            stopping_ = true;
            for (hook* h = head_; h; h = h->next)
                if (auto p = h->owner.lock()) live.emplace_back(std::move(p), h->notify);
        }
        for (auto& [p, notify] : live) notify(p, force);
    }

    bool stopping() const {
        std::lock_guard lock{mutex_};
        return stopping_;
    }

    std::size_t size() const {
        std::lock_guard lock{mutex_};
        return count_;
    }

    // Waits until no connection is left, `deadline` passes or abandon() is called;
    // true when none is left.
    bool wait_drained(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock{mutex_};
        drained_.wait_until(lock, deadline, [&] { return count_ == 0 || abandon_; });
        return count_ == 0;
    }

    // Wakes wait_drained() at once (a second signal: stop without waiting).
    void abandon() {
        std::lock_guard lock{mutex_};
        abandon_ = true;
        drained_.notify_all();
    }

private:
    static constexpr std::chrono::seconds report_every{10};

    mutable std::mutex mutex_;
    std::condition_variable drained_;
    hook* head_ = nullptr;
    std::size_t count_ = 0;
    std::size_t limit_;
    std::chrono::steady_clock::time_point last_report_{};
    bool stopping_ = false;
    bool abandon_ = false;
};

} // namespace warden::detail

#endif
