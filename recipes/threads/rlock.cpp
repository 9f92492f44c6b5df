// threads/rlock: "Thread synchronization with RLock" [book ch.2].
// Shows: a re-entrant lock can be taken again by the thread that already holds it. Box::add()
// and Box::remove() take the box's std::recursive_mutex and call Box::execute(), which takes it
// a second time. An adder thread puts --items items in the box one at a time while a remover
// takes as many out, each sleeping --sleep after each step; the box ends empty.
// --plain swaps in a plain lock: execute()'s nested acquisition can then never succeed, and
// Python's Lock would hang for ever there. execute() waits --timeout instead, and each thread
// reports "would deadlock" and stops.
// Deviation from COOKBOOK: the plain lock is Python's Lock as it is, a lock without an owner (a
// std::binary_semaphore), not a std::timed_mutex. A thread that owns a std::mutex or a
// std::timed_mutex may not lock it again, even with try_lock_for: that is undefined behaviour.
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <semaphore>
#include <type_traits>

namespace parcook {
namespace {

// Python's Lock: a binary semaphore, so any thread may wait for it, its holder included.
class PlainLock {
public:
    void lock() { free_.acquire(); }
    void unlock() { free_.release(); }
    bool try_lock() { return free_.try_acquire(); }
    bool try_lock_for(Duration d) { return free_.try_acquire_for(d); }

private:
    std::binary_semaphore free_{1};
};

// Thrown when a thread cannot take again, within the timeout, the plain lock it already holds.
struct WouldDeadlock {};

template <class Mutex>
class Box {
public:
    explicit Box(Duration timeout) : timeout_(timeout) {}

    void execute(int n) { // called with the lock held: takes it a second time
        std::unique_lock lock = take_again();
        total_items_ += n;
    }
    void add() {
        std::lock_guard lock(mutex_);
        execute(1);
    }
    void remove() {
        std::lock_guard lock(mutex_);
        execute(-1);
    }
    int total_items() {
        std::lock_guard lock(mutex_);
        return total_items_;
    }

private:
    // A recursive mutex counts its owner's acquisitions. A plain lock would make its holder wait
    // for ever, so that wait is bounded by the timeout and reported.
    std::unique_lock<Mutex> take_again() {
        if constexpr (std::is_same_v<Mutex, std::recursive_mutex>) {
            return std::unique_lock(mutex_);
        } else {
            std::unique_lock lock(mutex_, timeout_);
            if (!lock)
                throw WouldDeadlock{};
            return lock;
        }
    }

    Mutex mutex_;
    int total_items_ = 0; // guarded by mutex_
    Duration timeout_;
};

// The book's program, with the box's lock of type Mutex. Returns the final total.
template <class Mutex>
int fill_and_empty(Context& ctx, int items, Duration sleep, Duration timeout) {
    constexpr bool plain = !std::is_same_v<Mutex, std::recursive_mutex>;
    const std::string& main = threads::this_thread_name();
    ctx.say(main, fmt::format("putting {} items in the box", items));
    Box<Mutex> box(timeout);
    std::atomic<int> reports{0};
    // adder(box, items) and remover(box, items) of the book, as one function
    auto worker = [&](bool adding) {
        const std::string& me = threads::this_thread_name();
        try {
            for (int i = 0; i < items; ++i) {
                ctx.say(me, adding ? "adding 1 item in the box" : "removing 1 item in the box");
                adding ? box.add() : box.remove();
                std::this_thread::sleep_for(sleep);
            }
        } catch (const WouldDeadlock&) { // its lock was released while the exception unwound
            ctx.say(me,
                    fmt::format("would deadlock: execute() waited {} for the lock {}() holds",
                                format_seconds(to_seconds(timeout)), adding ? "add" : "remove"));
            ++reports;
        }
    };
    // In --plain, the thread that gets the lock first gives up after the timeout; the other one
    // waits for it in add() or remove(), then gives up in execute() as well.
    threads::Thread adder({}, [&](std::stop_token) { worker(true); });
    threads::Thread remover({}, [&](std::stop_token) { worker(false); });
    adder.start();
    remover.start();
    adder.join();
    remover.join();
    const int total = box.total_items();
    ctx.say(main, fmt::format("{} items still remain in the box", total));

    ctx.field("would_deadlock", reports.load());
    if (plain)
        ctx.check("--plain: both threads report 'would deadlock' after --timeout and stop",
                  reports == 2, fmt::format("{} reports", reports.load()));
    return total;
}

void run(Context& ctx) {
    const auto items = static_cast<int>(ctx.integer("items"));
    const Duration sleep = ctx.duration("sleep"), timeout = ctx.duration("timeout");
    const bool plain = ctx.flag("plain");
    if (plain && items == 0)
        throw UsageError("--items: --plain needs at least 1 item");
    ctx.param("items", items);
    ctx.param("sleep_s", to_seconds(sleep));
    ctx.param("lock", plain ? "std::binary_semaphore" : "std::recursive_mutex");

    const int total = plain ? fill_and_empty<PlainLock>(ctx, items, sleep, timeout)
                            : fill_and_empty<std::recursive_mutex>(ctx, items, sleep, timeout);
    ctx.field("total_items", total);
    ctx.check("final total is 0", total == 0, fmt::format("{} items remain", total));
    if (plain)
        return;
    const auto& trace = ctx.result().trace;
    auto lines = [&](std::string_view text) {
        return std::count_if(trace.begin(), trace.end(),
                             [&](const TraceLine& l) { return l.text == text; });
    };
    const auto adds = lines("adding 1 item in the box"),
               removes = lines("removing 1 item in the box");
    ctx.check("--items add lines and --items remove lines", adds == items && removes == items,
              fmt::format("{} add and {} remove lines", adds, removes));
}

} // namespace

extern const Recipe threads_rlock{
    .group = "threads",
    .name = "rlock",
    .summary = "a re-entrant lock taken twice by its owner; --plain shows the self-deadlock",
    .book = "Thread synchronization with RLock [book ch.2]",
    .options = {integer_option("items", 5, "items the adder puts in and the remover takes out", 0,
                               1000000),
                duration_option("sleep", "5s", "sleep after each add or remove"),
                flag_option("plain", "use a plain, non-recursive lock instead"),
                duration_option("timeout", "1s", "with --plain: how long a lock request waits")},
    .run = run,
    .tour_args = {"--sleep", "10ms"},
};

} // namespace parcook
