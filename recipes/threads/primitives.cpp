// threads/primitives: "Using the Python threading module" [book ch.2] (an overview, no program).
// Shows: the vocabulary of thread synchronization. Prints each object of Python's threading
// module beside the C++ type that replaces it and the recipe that uses it, then smoke-tests each
// one: thread A takes it and releases it, then thread B (started after A ended) takes it too.
// "Take" means what the object is for: start a thread / join it, lock / unlock, acquire /
// release, wait for a free slot / hand it back, wait for the event and clear it / set it.
// Takes are bounded (try_lock, try_acquire_for, wait_for), so a broken one fails, never hangs;
// the event's take waits only on an event that was set before.
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <atomic>
#include <condition_variable>
#include <fmt/format.h>
#include <functional>
#include <mutex>
#include <semaphore>

namespace parcook {
namespace {

struct Primitive {
    std::string_view python, cpp, recipe;
    std::function<bool()> take, release;
};

// Thread A takes and releases `p`; once A has ended, thread B takes and releases it as well.
bool smoke(const Primitive& p) {
    bool ok[2] = {false, false};
    for (bool& done : ok)
        std::jthread([&] { done = p.take() && p.release(); }).join();
    return ok[0] && ok[1];
}

void run(Context& ctx) {
    const Duration timeout = ctx.duration("timeout");

    std::jthread worker; // Thread: start one, join it; the worker proves it ran
    std::atomic<bool> worker_ran{false};
    std::mutex lock;
    std::recursive_mutex rlock;
    std::counting_semaphore<> semaphore{1};
    std::mutex condition_mutex; // Condition: a one-slot buffer, waited for with a predicate
    std::condition_variable condition;
    bool slot_free = true;
    std::atomic<bool> event{true};

    const Primitive primitives[] = {
        {"Thread", "std::jthread", "threads/subclass",
         [&] {
             worker = std::jthread([&] { worker_ran = true; });
             return true;
         },
         [&] {
             worker.join();
             return worker_ran.exchange(false);
         }},
        {"Lock", "std::mutex", "threads/lock", [&] { return lock.try_lock(); },
         [&] {
             lock.unlock();
             return true;
         }},
        {"RLock", "std::recursive_mutex", "threads/rlock",
         [&] { // taken twice by the same thread: that is what re-entrant means
             if (!rlock.try_lock())
                 return false;
             if (rlock.try_lock())
                 return true;
             rlock.unlock();
             return false;
         },
         [&] {
             rlock.unlock();
             rlock.unlock();
             return true;
         }},
        {"Semaphore", "std::counting_semaphore", "threads/semaphore",
         [&] { return semaphore.try_acquire_for(timeout); },
         [&] {
             semaphore.release();
             return true;
         }},
        {"Condition", "std::condition_variable + std::mutex", "threads/condition",
         [&] {
             std::unique_lock guard(condition_mutex);
             if (!condition.wait_for(guard, timeout, [&] { return slot_free; }))
                 return false;
             slot_free = false;
             return true;
         },
         [&] {
             {
                 std::lock_guard guard(condition_mutex);
                 slot_free = true;
             }
             condition.notify_one();
             return true;
         }},
        {"Event", "std::atomic<bool>::wait / notify_all", "threads/event",
         [&] {
             event.wait(false);            // returns at once: the event was set
             return event.exchange(false); // clear
         },
         [&] {
             event = true; // set
             event.notify_all();
             return true;
         }},
    };

    const std::string& main = threads::this_thread_name();
    const unsigned cores = std::thread::hardware_concurrency();
    ctx.field("hardware_concurrency", cores);
    ctx.say(main, fmt::format("std::thread::hardware_concurrency() = {}", cores));
    ctx.say(main, fmt::format("{:<10} {:<38} {:<18} {}", "Python", "C++", "recipe", "smoke test"));
    boost::json::array table;
    for (const Primitive& p : primitives) {
        const bool ok = smoke(p);
        ctx.say(main, fmt::format("{:<10} {:<38} {:<18} {}", p.python, p.cpp, p.recipe,
                                  ok ? "ok" : "FAILED"));
        table.push_back({{"python", p.python}, {"cpp", p.cpp}, {"recipe", p.recipe}, {"ok", ok}});
        ctx.check(
            fmt::format("{}: taken and released by one thread, then taken by another", p.python),
            ok,
            fmt::format("{} could not be taken within {}", p.cpp,
                        format_seconds(to_seconds(timeout))));
    }
    ctx.field("primitives", std::move(table));
}

} // namespace

extern const Recipe threads_primitives{
    .group = "threads",
    .name = "primitives",
    .summary = "Python's threading objects, their C++ types, and a two-thread smoke test each",
    .book = "Using the Python threading module [book ch.2]",
    .options = {duration_option("timeout", "1s", "longest wait of a bounded take")},
    .run = run,
};

} // namespace parcook
