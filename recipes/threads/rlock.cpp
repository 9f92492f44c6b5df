// threads/rlock: "Thread synchronization with RLock" [book ch.2].
// Shows: a re-entrant lock can be taken again by the thread that already holds it. Box::add()
// and Box::remove() take the box's std::recursive_mutex and call Box::execute(), which takes it
// a second time. An adder thread puts --items items in the box one at a time while a remover
// takes as many out, each sleeping --sleep after each step; the box ends empty.
// --plain swaps in a non-recursive std::timed_mutex: execute()'s nested acquisition can then
// never succeed. Python's Lock would hang forever there, and relocking a std::mutex from its
// owner is undefined behaviour, so the plain lock is taken with try_lock_for(--timeout): the
// thread reports "would deadlock" and stops instead of hanging.
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <mutex>
#include <type_traits>

namespace parcook {
namespace {

// Thrown when the plain lock could not be taken within the timeout.
struct WouldDeadlock {
    std::string function; // the function that asked for the lock
    bool nested;          // asked by the thread that already holds it
};

template <class Mutex>
class Box {
public:
    explicit Box(Duration timeout) : timeout_(timeout) {}

    void execute(int n) {
        auto lock = take("execute", true);
        total_items_ += n;
    }
    void add() {
        auto lock = take("add", false);
        execute(1);
    }
    void remove() {
        auto lock = take("remove", false);
        execute(-1);
    }
    int total_items() {
        auto lock = take("total_items", false);
        return total_items_;
    }

private:
    std::unique_lock<Mutex> take(const char* function, bool nested) {
        if constexpr (std::is_same_v<Mutex, std::recursive_mutex>) {
            return std::unique_lock(mutex_);
        } else { // a non-recursive lock asked for again by its owner: bounded, then reported
            std::unique_lock lock(mutex_, timeout_);
            if (!lock)
                throw WouldDeadlock{function, nested};
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
    const std::string& main = threads::this_thread_name();
    ctx.say(main, fmt::format("putting {} items in the box", items));
    Box<Mutex> box(timeout);
    std::mutex reports_mutex;
    std::vector<WouldDeadlock> reports; // guarded by reports_mutex
    // adder(box, items) and remover(box, items) of the book, as one function
    auto worker = [&](bool adding) {
        const std::string& me = threads::this_thread_name();
        try {
            for (int i = 0; i < items; ++i) {
                ctx.say(me, adding ? "adding 1 item in the box" : "removing 1 item in the box");
                adding ? box.add() : box.remove();
                std::this_thread::sleep_for(sleep);
            }
        } catch (const WouldDeadlock& e) {
            ctx.say(me, fmt::format("would deadlock: {}() got no lock within {}{}", e.function,
                                    format_seconds(to_seconds(timeout)),
                                    e.nested ? ", though this thread holds it" : ""));
            std::lock_guard guard(reports_mutex);
            reports.push_back(e);
        }
    };
    threads::Thread adder({}, [&](std::stop_token) { worker(true); });
    threads::Thread remover({}, [&](std::stop_token) { worker(false); });
    adder.start();
    remover.start();
    adder.join();
    remover.join();
    const int total = box.total_items();
    ctx.say(main, fmt::format("{} items still remain in the box", total));

    const auto nested = std::count_if(reports.begin(), reports.end(),
                                      [](const WouldDeadlock& r) { return r.nested; });
    ctx.field("would_deadlock", static_cast<std::int64_t>(reports.size()));
    if constexpr (!std::is_same_v<Mutex, std::recursive_mutex>)
        ctx.check("--plain: the nested acquisition reports 'would deadlock' within --timeout",
                  nested > 0, fmt::format("{} reports, {} of them nested", reports.size(), nested));
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
    ctx.param("lock", plain ? "std::timed_mutex" : "std::recursive_mutex");

    const int total = plain ? fill_and_empty<std::timed_mutex>(ctx, items, sleep, timeout)
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
                flag_option("plain", "use a non-recursive std::timed_mutex instead"),
                duration_option("timeout", "1s", "with --plain: how long a lock request waits")},
    .run = run,
    .tour_args = {"--sleep", "10ms"},
};

} // namespace parcook
