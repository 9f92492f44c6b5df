// threads/with: "Using the with statement" [book ch.2].
// Shows: a scope guard and an explicit acquire/try/release are equivalent. For each of Lock,
// RLock, Condition and Semaphore(1) one thread takes the primitive with an RAII guard (Python's
// `with`) and another with lock()/unlock() around a catch-and-rethrow (Python's try/finally);
// eight threads, Thread-1 .. Thread-8, log one line each through the thread-safe trace. After
// each pair the primitive is free again. `--throw` raises inside every guarded block: the guards
// and the catch blocks still release everything. The RLock shows its owner and depth, as the
// Python object's repr does.
#include "parcook/context.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <mutex>
#include <semaphore>
#include <set>
#include <thread>

namespace parcook {
namespace {

thread_local std::string thread_name = "MainThread";

// threading.RLock with a readable state: a recursive mutex that records its owner and depth.
class RLock {
public:
    void lock() {
        mutex_.lock();
        entered();
    }
    bool try_lock() {
        if (!mutex_.try_lock())
            return false;
        entered();
        return true;
    }
    void unlock() {
        if (--depth_ == 0)
            owner_.clear();
        mutex_.unlock();
    }
    // Only meaningful while the caller holds the lock.
    std::string describe() const {
        return fmt::format("RLock(owner={}, count={})", owner_, depth_);
    }

private:
    void entered() {
        if (depth_++ == 0)
            owner_ = thread_name;
    }
    std::recursive_mutex mutex_;
    std::string owner_;
    int depth_ = 0;
};

// threading.Condition: a mutex and a condition variable; taking the condition takes the mutex,
// so it is lockable like the other two.
struct Condition {
    std::mutex mutex;
    std::condition_variable cv;
    void lock() { mutex.lock(); }
    bool try_lock() { return mutex.try_lock(); }
    void unlock() { mutex.unlock(); }
};

// `with semaphore:` for a C++ semaphore.
class SemaphoreGuard {
public:
    explicit SemaphoreGuard(std::binary_semaphore& s) : s_(s) { s_.acquire(); }
    ~SemaphoreGuard() { s_.release(); }
    SemaphoreGuard(const SemaphoreGuard&) = delete;
    SemaphoreGuard& operator=(const SemaphoreGuard&) = delete;

private:
    std::binary_semaphore& s_;
};

// Per primitive: its RAII guard (the `with` block), explicit acquire/release (lock/unlock for
// the three lockables, acquire/release for the semaphore), a test that it is free, and its name.
auto guard(std::mutex& m) {
    return std::lock_guard(m);
}
auto guard(RLock& r) {
    return std::lock_guard(r);
}
auto guard(Condition& c) {
    return std::unique_lock(c.mutex);
}
auto guard(std::binary_semaphore& s) {
    return SemaphoreGuard(s);
}

template <class Lockable>
void acquire(Lockable& l) {
    l.lock();
}
template <class Lockable>
void release(Lockable& l) {
    l.unlock();
}
template <class Lockable>
bool try_acquire(Lockable& l) {
    return l.try_lock();
}
void acquire(std::binary_semaphore& s) {
    s.acquire();
}
void release(std::binary_semaphore& s) {
    s.release();
}
bool try_acquire(std::binary_semaphore& s) {
    return s.try_acquire();
}

template <class P>
bool is_free(P& p) {
    if (!try_acquire(p))
        return false;
    release(p);
    return true;
}

std::string describe(std::mutex&) {
    return "Lock";
}
std::string describe(const RLock& r) {
    return r.describe();
}
std::string describe(Condition&) {
    return "Condition";
}
std::string describe(std::binary_semaphore&) {
    return "Semaphore(1)";
}

struct Tally {
    std::atomic<int> next_thread{1}, thrown{0};
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> lines; // (primitive, thread name)
    std::vector<std::pair<std::string, bool>> free_after;   // (primitive, free after its pair)
};

// Runs `body` on a new thread named "Thread-<n>", like Python's default thread names; an
// exception leaving the body is counted and reported, as Python prints it and ends the thread.
std::jthread start_named(Context& ctx, Tally& tally, std::function<void()> body) {
    return std::jthread([&ctx, &tally, body = std::move(body),
                         name = fmt::format("Thread-{}", tally.next_thread++)] {
        thread_name = name;
        try {
            body();
        } catch (const std::exception& e) {
            ++tally.thrown;
            ctx.say(thread_name, fmt::format("exception: {}", e.what()));
        }
    });
}

template <class P>
void show(Context& ctx, Tally& tally, const std::string& kind, P& primitive, bool throw_inside) {
    auto log = [&](const char* how) {
        ctx.say(thread_name, fmt::format("{} acquired {}", describe(primitive), how));
        {
            std::lock_guard lock(tally.mutex);
            tally.lines.emplace_back(kind, thread_name);
        }
        if (throw_inside)
            throw std::runtime_error("raised inside the guarded block");
    };
    {
        std::jthread with = start_named(ctx, tally, [&] {
            auto held = guard(primitive); // released when the scope ends, even by an exception
            log("via with");
        });
        std::jthread without = start_named(ctx, tally, [&] {
            acquire(primitive);
            try {
                log("directly");
            } catch (...) {
                release(primitive);
                throw;
            }
            release(primitive);
        });
    }
    tally.free_after.emplace_back(kind, is_free(primitive));
}

void run(Context& ctx) {
    const bool throw_inside = ctx.flag("throw");
    Tally tally;
    std::mutex lock;
    RLock rlock;
    Condition condition;
    std::binary_semaphore semaphore{1};
    show(ctx, tally, "Lock", lock, throw_inside);
    show(ctx, tally, "RLock", rlock, throw_inside);
    show(ctx, tally, "Condition", condition, throw_inside);
    show(ctx, tally, "Semaphore", semaphore, throw_inside);

    std::map<std::string, int> per_kind;
    std::set<std::string> names;
    for (const auto& [kind, name] : tally.lines) {
        ++per_kind[kind];
        names.insert(name);
    }
    const bool two_each =
        per_kind.size() == 4 &&
        std::all_of(per_kind.begin(), per_kind.end(), [](auto& k) { return k.second == 2; });
    ctx.check("8 lines, 2 per primitive, from 8 distinct thread names",
              tally.lines.size() == 8 && two_each && names.size() == 8,
              fmt::format("{} lines, {} primitives, {} names", tally.lines.size(), per_kind.size(),
                          names.size()));
    std::vector<std::string> busy;
    for (const auto& [kind, free] : tally.free_after)
        if (!free)
            busy.push_back(kind);
    ctx.field("thrown", tally.thrown.load());
    ctx.check("after each pair the primitive is free", busy.empty() && tally.free_after.size() == 4,
              fmt::format("still held: {}", fmt::join(busy, ", ")));
    if (throw_inside)
        ctx.check(
            "--throw: all 8 blocks raised and every primitive was released",
            tally.thrown == 8 && busy.empty(),
            fmt::format("{} raised, still held: {}", tally.thrown.load(), fmt::join(busy, ", ")));
}

} // namespace

extern const Recipe threads_with{
    .group = "threads",
    .name = "with",
    .summary = "RAII guards versus explicit acquire/release on Lock, RLock, Condition, Semaphore",
    .book = "Using the with statement [book ch.2]",
    .options = {flag_option("throw", "raise an exception inside every guarded block")},
    .run = run,
    .tour_args = {"--throw"},
};

} // namespace parcook
