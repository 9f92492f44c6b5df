// threads/lock: "Thread synchronization with Lock and RLock" [book ch.2].
// Shows: a race condition loses updates; a lock (or an atomic operation) gives exactly 0.
// Two threads start together: one adds 1 to a shared counter --count times, the other subtracts
// 1 as often. The counter is updated in one of three ways:
//   lock      std::mutex + std::lock_guard around each update (the book's acquire/release);
//   atomic    std::atomic fetch_add / fetch_sub: one indivisible read-modify-write, no lock;
//   unlocked  a load, then a store: `c += 1` split in two, so updates get lost. Relaxed atomic
//             loads and stores instead of a plain int: the same lost updates without undefined
//             behaviour, and clean under ThreadSanitizer.
// The locked and atomic pairs are timed (--warmup, --repeat; each run includes starting and
// joining its two threads, like the Python anchor): lock_ops_per_second counts lock
// acquire+release pairs per second. The unlocked pair runs up to --race-runs times, until it
// loses an update.
// --deadlock: two std::timed_mutex taken in opposite orders by two threads, each holding one
// and asking for the other; try_lock_for(--timeout) detects the deadlock. With --fix both take
// the two mutexes with std::scoped_lock (deadlock-free), --count times each.
// Book issues: the book runs its locked and unlocked pairs at the same time (four threads); the
// port runs each pair alone so the locked figure is not disturbed. Its deadlock is only
// described in the text; the port runs it, bounded by the timeout.
#include "named_thread.hpp"
#include "parcook/context.hpp"
#include "parcook/cpus.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <latch>
#include <mutex>
#include <thread>

namespace parcook {
namespace {

// The three counters. alignas keeps each one (and its mutex) on its own cache line.
struct alignas(64) LockedCounter {
    std::mutex mutex;
    std::int64_t value = 0; // guarded by mutex
    void add(int step) {
        std::lock_guard guard(mutex);
        value += step;
    }
    std::int64_t get() { return value; } // after the threads were joined
};

struct alignas(64) AtomicCounter {
    std::atomic<std::int64_t> value{0};
    void add(int step) { value.fetch_add(step, std::memory_order_relaxed); }
    std::int64_t get() { return value.load(); }
};

struct alignas(64) UnlockedCounter {
    std::atomic<std::int64_t> value{0};
    void add(int step) { // not atomic as a whole: the other thread may write in between
        value.store(value.load(std::memory_order_relaxed) + step, std::memory_order_relaxed);
    }
    std::int64_t get() { return value.load(); }
};

// One thread adds 1 `count` times while another subtracts 1 as often; returns the final value.
// The threads sit on different CPUs (left alone, a busy machine's scheduler may put both on one
// core, where they take turns) and meet at a spinning gate first, so that both loops really run
// at the same time: waking a thread blocked in the kernel takes longer than a short loop.
template <class Counter>
std::int64_t up_and_down(std::uint64_t count, const std::vector<int>& cpus) {
    Counter counter;
    std::atomic<int> arrived{0};
    auto body = [&](int step, unsigned k) {
        pin_to_usable_cpu(cpus, k); // the same CPU twice when only one is usable
        arrived.fetch_add(1);
        while (arrived.load() < 2)
            std::this_thread::yield();
        for (std::uint64_t i = 0; i < count; ++i)
            counter.add(step);
    };
    { std::jthread up(body, +1, 0u), down(body, -1, 1u); }
    return counter.get();
}

// Times the pair (warm-up and repeats) and checks that every run ends at exactly 0.
template <class Counter>
Stats exact(Context& ctx, std::uint64_t count, const std::vector<int>& cpus, std::string_view kind,
            std::string_view method) {
    std::vector<std::int64_t> finals;
    const Stats t = ctx.measure([&] { finals.push_back(up_and_down<Counter>(count, cpus)); });
    const bool zero = std::all_of(finals.begin(), finals.end(), [](auto v) { return v == 0; });
    ctx.field(fmt::format("{}_counter", kind), finals.back());
    ctx.say(threads::this_thread_name(),
            fmt::format("the value of shared variable with {} is {}", method, finals.back()));
    ctx.check(fmt::format("{} counter is exactly 0 on every run", kind), zero,
              fmt::format("finals {}", fmt::join(finals, ", ")));
    return t;
}

// Runs the unlocked pair until it loses an update, at most `max_runs` times. On one core the
// threads mostly take turns, so the race is run once and not checked.
void race(Context& ctx, std::uint64_t count, const std::vector<int>& cpus, unsigned max_runs) {
    const bool checked = cpus.size() >= 2;
    std::int64_t final_value = 0;
    unsigned runs = 0;
    while (runs < (checked ? max_runs : 1) && final_value == 0) {
        final_value = up_and_down<UnlockedCounter>(count, cpus);
        ++runs;
    }
    ctx.field("unlocked_counter", final_value);
    ctx.field("unlocked_runs", runs);
    ctx.say(threads::this_thread_name(),
            fmt::format("the value of shared variable with race condition is {}", final_value));
    ctx.field("race_check", checked ? "run" : "skipped: only 1 usable core");
    if (checked)
        ctx.check(
            fmt::format("unlocked counter differs from 0 in at least one of {} runs", max_runs),
            final_value != 0, fmt::format("0 after {} runs of --count {}", runs, count));
}

void deadlock(Context& ctx, Duration timeout, bool fix, std::uint64_t rounds) {
    std::timed_mutex a, b;
    std::latch holding(2), finished(2);
    bool gave_up[2] = {false, false}; // element i written by thread i only
    std::uint64_t took[2] = {0, 0};
    auto worker = [&](int me, std::timed_mutex& first, std::timed_mutex& second) {
        const std::string who = fmt::format("Thread-{}", me + 1);
        const char* names[2] = {me == 0 ? "A" : "B", me == 0 ? "B" : "A"};
        if (fix) { // std::scoped_lock takes both without holding one while blocking on the other
            holding.arrive_and_wait();
            for (; took[me] < rounds; ++took[me]) {
                std::scoped_lock both(first, second);
            }
            ctx.say(who, fmt::format("took {} and {} with std::scoped_lock {} times", names[0],
                                     names[1], took[me]));
            return;
        }
        std::unique_lock held(first);
        ctx.say(who, fmt::format("holds {}, requests {}", names[0], names[1]));
        holding.arrive_and_wait(); // both hold one now: neither request can succeed
        std::unique_lock wanted(second, timeout);
        gave_up[me] = !wanted.owns_lock();
        ctx.say(who, gave_up[me] ? fmt::format("no {} after {}: deadlock detected", names[1],
                                               format_seconds(to_seconds(timeout)))
                                 : fmt::format("got {}", names[1]));
        finished.arrive_and_wait(); // keep `first` until the other thread has stopped waiting
    };
    Stopwatch sw;
    {
        std::jthread one(worker, 0, std::ref(a), std::ref(b)),
            two(worker, 1, std::ref(b), std::ref(a));
    }
    ctx.field("deadlock_seconds", sw.seconds());
    if (fix) {
        ctx.check("--deadlock --fix completes: both threads took both mutexes --count times",
                  took[0] == rounds && took[1] == rounds,
                  fmt::format("{} and {} of {}", took[0], took[1], rounds));
    } else {
        ctx.field("deadlock_detected", gave_up[0] && gave_up[1]);
        ctx.check("--deadlock: deadlock detected within --timeout (both requests timed out)",
                  gave_up[0] && gave_up[1],
                  fmt::format("timed out: Thread-1 {}, Thread-2 {}", gave_up[0], gave_up[1]));
    }
}

void run(Context& ctx) {
    const std::uint64_t count = ctx.count("count");
    const std::string& mode = ctx.text("mode");
    const bool demo = ctx.flag("deadlock"), fix = ctx.flag("fix");
    const auto race_runs = static_cast<unsigned>(ctx.integer("race-runs"));
    if (count == 0)
        throw UsageError("--count: must be at least 1");
    if (fix && !demo)
        throw UsageError("--fix: only meaningful with --deadlock");
    if (demo && ctx.given("mode"))
        throw UsageError("--mode: not used with --deadlock");
    const std::vector<int> cpus = usable_cpus();
    if (mode == "unlocked" && cpus.size() < 2)
        throw CannotRun("--mode unlocked checks a race between two cores; this process may use 1");
    ctx.param("count", count);
    ctx.field("usable_cores", cpus.size());

    if (demo) {
        ctx.param("mode", fix ? "deadlock-fix" : "deadlock");
        deadlock(ctx, ctx.duration("timeout"), fix, count);
        return;
    }
    ctx.param("mode", boost::json::string(mode));
    const bool all = mode == "all";
    if (all || mode == "atomic") {
        const Stats t = exact<AtomicCounter>(ctx, count, cpus, "atomic", "atomic operations");
        ctx.metric("atomic_ops_per_second", 2.0 * static_cast<double>(count) / t.median, "ops/s");
    }
    if (all || mode == "lock") {
        const Stats t = exact<LockedCounter>(ctx, count, cpus, "locked", "lock management");
        ctx.timing(t);
        ctx.metric("lock_ops_per_second", 2.0 * static_cast<double>(count) / t.median, "pairs/s");
        ctx.metric("lock_seconds", t.median, "s");
        ctx.headline("lock_ops_per_second");
    }
    if (all || mode == "unlocked")
        race(ctx, count, cpus, race_runs);
}

} // namespace

extern const Recipe threads_lock{
    .group = "threads",
    .name = "lock",
    .summary = "a counter updated by two threads with a mutex, an atomic, or a racy load+store",
    .book = "Thread synchronization with Lock and RLock [book ch.2]",
    .options = {count_option("count", "100000", "updates per thread (COUNT)"),
                choice_option("mode", "all", {"all", "lock", "atomic", "unlocked"},
                              "which counters to run"),
                integer_option("race-runs", 200, "most runs of the unlocked pair to see a race", 1,
                               1000),
                flag_option("deadlock",
                            "take two mutexes in opposite orders and detect the deadlock"),
                flag_option("fix", "with --deadlock: take both with std::scoped_lock"),
                duration_option("timeout", "1s", "how long --deadlock waits for the second mutex")},
    .run = run,
    .uses = Uses::timing,
    .tour_args = {"--repeat", "3"},
};

} // namespace parcook
