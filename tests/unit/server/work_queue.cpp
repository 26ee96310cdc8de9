// The server's bounded work queues: capacity, deadlines and stopping, without sockets.
#include <warden/server/detail/work_queue.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using warden::detail::work_queue;
using namespace std::chrono_literals;

namespace {

struct probe {
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    std::atomic<int> ran{0};
    std::atomic<int> expired{0};
};

// Blocks its thread until `release` (or a failsafe), counting what happened.
void blocking_job(const std::shared_ptr<void>& p, bool was_expired) {
    auto& s = *static_cast<probe*>(p.get());
    ++s.started;
    if (was_expired) {
        ++s.expired;
        return;
    }
    auto failsafe = std::chrono::steady_clock::now() + 20s;
    while (!s.release && std::chrono::steady_clock::now() < failsafe) std::this_thread::sleep_for(1ms);
    ++s.ran;
}

template <class Pred>
bool eventually(Pred p) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!p()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

work_queue::job make_job(const std::shared_ptr<probe>& p, work_queue::clock::time_point deadline) {
    return {p, &blocking_job, deadline};
}

} // namespace

TEST_CASE("a work queue holds at most its capacity waiting and refuses the next job at once", "[server][work_queue]") {
    auto p = std::make_shared<probe>();
    auto later = work_queue::clock::now() + 60s;
    work_queue q{1, 2};
    REQUIRE(q.try_push(make_job(p, later)));
    REQUIRE(eventually([&] { return p->started == 1; }));   // the one thread is busy
    CHECK(q.try_push(make_job(p, later)));
    CHECK(q.try_push(make_job(p, later)));
    CHECK(q.waiting() == 2);
    CHECK_FALSE(q.try_push(make_job(p, later)));
    p->release = true;
    REQUIRE(eventually([&] { return p->ran == 3; }));
    CHECK(p->expired == 0);
    CHECK(q.try_push(make_job(p, later)));   // room again
    REQUIRE(eventually([&] { return p->ran == 4; }));
}

TEST_CASE("a job whose deadline passed while it waited is run as expired", "[server][work_queue]") {
    auto p = std::make_shared<probe>();
    work_queue q{1, 4};
    REQUIRE(q.try_push(make_job(p, work_queue::clock::now() + 60s)));
    REQUIRE(eventually([&] { return p->started == 1; }));
    REQUIRE(q.try_push(make_job(p, work_queue::clock::now() - 1ms)));   // already past its deadline
    p->release = true;
    REQUIRE(eventually([&] { return p->started == 2; }));
    CHECK(p->ran == 1);
    CHECK(p->expired == 1);
}

TEST_CASE("a stopped work queue refuses new jobs and hands queued ones their turn as expired", "[server][work_queue]") {
    auto p = std::make_shared<probe>();
    auto later = work_queue::clock::now() + 60s;
    work_queue q{1, 4};
    REQUIRE(q.try_push(make_job(p, later)));
    REQUIRE(eventually([&] { return p->started == 1; }));
    REQUIRE(q.try_push(make_job(p, later)));
    REQUIRE(q.try_push(make_job(p, later)));
    q.stop();
    CHECK_FALSE(q.try_push(make_job(p, later)));
    p->release = true;
    q.join();
    CHECK(p->ran == 1);
    CHECK(p->expired == 2);
}

TEST_CASE("several threads take jobs at once", "[server][work_queue]") {
    auto p = std::make_shared<probe>();
    auto later = work_queue::clock::now() + 60s;
    work_queue q{3, 0};   // no waiting room: every job needs an idle thread
    // A thread is idle once it waits on the queue; push until all three are busy.
    int pushed = 0;
    REQUIRE(eventually([&] {
        if (q.try_push(make_job(p, later))) ++pushed;
        return p->started == 3;
    }));
    CHECK(pushed == 3);
    p->release = true;
    REQUIRE(eventually([&] { return p->ran == 3; }));
}
