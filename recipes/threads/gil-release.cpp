// threads/gil-release: a C extension that releases the GIL [wiki].
// Shows: parallelism returns when the global lock is dropped around pure native work. Under an
// emulated GIL (gil.hpp) each worker thread repeatedly runs a short "interpreter" step holding
// the GIL, then calls a "native function" (a long integer loop). With --hold the native loop
// runs still holding the GIL, so the workers take turns: their compute intervals never overlap.
// With --release the loop runs inside a ReleaseGil scope (Py_BEGIN_ALLOW_THREADS ...
// Py_END_ALLOW_THREADS), so the workers compute at the same time. Every interval is timestamped;
// by default both modes run and their wall times are compared. The wiki's other advice stands:
// threads help I/O-bound work; for CPU-bound Python code without such an extension, use processes.
#include "gil.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {

struct Interval {
    double begin, end; // seconds since the recipe started
};

struct Params {
    unsigned threads, calls;
    std::uint64_t step, work;
};

// A pure integer loop standing in for native code; `salt` makes every call's result different.
std::uint64_t native_loop(std::uint64_t steps, std::uint64_t salt) {
    std::uint64_t x = salt | 1;
    for (std::uint64_t i = 0; i < steps; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; // xorshift64
        asm volatile("" : "+r"(x));
    }
    return x;
}

struct ModeRun {
    std::vector<std::vector<Interval>> compute; // per worker, per call
    std::uint64_t checksum = 0;
    double seconds = 0;
};

ModeRun run_mode(Context& ctx, const Params& p, bool release) {
    ModeRun r;
    r.compute.resize(p.threads);
    std::vector<std::uint64_t> sums(p.threads);
    Stopwatch sw;
    {
        std::vector<std::jthread> workers;
        for (unsigned w = 0; w < p.threads; ++w) {
            workers.emplace_back([&, w] {
                for (unsigned c = 0; c < p.calls; ++c) {
                    gil::HoldGil gil;                  // this thread is running Python code now
                    sums[w] += native_loop(p.step, w); // the interpreter step
                    auto native_call = [&] {           // the extension's heavy C loop
                        const double begin = ctx.elapsed();
                        sums[w] += native_loop(p.work, w * p.calls + c + 1);
                        r.compute[w].push_back({begin, ctx.elapsed()});
                    };
                    if (release) {
                        gil::ReleaseGil allow_threads(gil);
                        native_call();
                    } else {
                        native_call();
                    }
                } // the GIL is dropped between calls, as CPython switches threads
            });
        }
    }
    r.seconds = sw.seconds();
    for (std::uint64_t s : sums)
        r.checksum += s;
    return r;
}

// Pairs of compute intervals of different workers that overlap in time (a shared instant of
// positive length), counted by one sweep over the sorted begin and end times: each pair is
// counted once, when its later interval begins, so the cost stays N log N for any --calls.
std::uint64_t overlaps(const ModeRun& r) {
    struct Event {
        double time;
        bool begins; // at equal times ends sort first: touching intervals do not overlap
        std::size_t worker;
        auto operator<=>(const Event&) const = default;
    };
    std::vector<Event> events;
    for (std::size_t w = 0; w < r.compute.size(); ++w)
        for (const Interval& iv : r.compute[w])
            if (iv.begin < iv.end) // an empty interval overlaps nothing
                events.insert(events.end(), {{iv.begin, true, w}, {iv.end, false, w}});
    std::sort(events.begin(), events.end());
    std::vector<std::uint64_t> open(r.compute.size());
    std::uint64_t open_total = 0, count = 0;
    for (const Event& e : events) {
        if (e.begins) {
            count += open_total - open[e.worker];
            ++open[e.worker], ++open_total;
        } else {
            --open[e.worker], --open_total;
        }
    }
    return count;
}

void run(Context& ctx) {
    const Params p{ctx.common().threads, static_cast<unsigned>(ctx.integer("calls")),
                   ctx.count("step"), ctx.count("work")};
    if (p.threads < 2)
        throw UsageError("--threads: gil-release needs at least 2 threads");
    const bool only_hold = ctx.flag("hold") && !ctx.flag("release");
    const bool only_release = ctx.flag("release") && !ctx.flag("hold");

    std::uint64_t reference = 0; // the same calls, serially, without any thread
    for (unsigned w = 0; w < p.threads; ++w)
        for (unsigned c = 0; c < p.calls; ++c)
            reference += native_loop(p.step, w) + native_loop(p.work, w * p.calls + c + 1);

    std::map<bool, double> wall; // release? -> median wall time
    for (bool release : {false, true}) {
        if ((release && only_hold) || (!release && only_release))
            continue;
        const char* mode = release ? "release" : "hold";
        std::uint64_t overlapping = 0, wrong = 0, runs = 0; // over warm-up and timed runs
        const Stats& t = ctx.measure_own([&] {
            const ModeRun r = run_mode(ctx, p, release);
            overlapping += overlaps(r);
            wrong += r.checksum != reference;
            if (runs++ == 0)
                for (unsigned w = 0; w < p.threads; ++w) {
                    std::string line = fmt::format("--{}: native calls at", mode);
                    for (const Interval& iv : r.compute[w])
                        line += fmt::format(" [{:.1f}, {:.1f}]", iv.begin * 1e3, iv.end * 1e3);
                    ctx.say(fmt::format("Thread-{}", w + 1), line + " ms");
                }
            return r.seconds;
        });
        wall[release] = t.median;
        ctx.say(mode, fmt::format("wall {} (median of {}); compute intervals of different "
                                  "threads overlapped {} times",
                                  format_seconds(wall[release]), t.samples.size(), overlapping));
        ctx.field(fmt::format("{}_overlaps", mode), overlapping);
        ctx.metric(fmt::format("{}_seconds", mode), wall[release], "s");
        ctx.check(fmt::format("--{}: every run's result equals the serial result", mode),
                  wrong == 0, fmt::format("{} of {} runs differ", wrong, runs));
        if (release)
            ctx.check("--release: compute intervals of different threads overlap", overlapping > 0,
                      "no two threads ever computed at the same time");
        else
            ctx.check("--hold: compute intervals of different threads never overlap",
                      overlapping == 0, fmt::format("{} overlapping pairs", overlapping));
    }
    ctx.result().timing.reset(); // one timing per mode: in hold_seconds and release_seconds
    ctx.field("result", reference);
    if (wall.size() == 2) {
        ctx.metric("release_over_hold", wall[true] / wall[false], "x");
        ctx.headline("release_over_hold");
    }
}

} // namespace

extern const Recipe threads_gil_release{
    .group = "threads",
    .name = "gil-release",
    .summary = "native work holding versus releasing an emulated GIL: serial versus parallel",
    .book = "C extension that releases the GIL [wiki]",
    .options = {flag_option("hold", "run only the mode that keeps the GIL during native work"),
                flag_option("release", "run only the mode that releases the GIL (ReleaseGil)"),
                integer_option("calls", 4, "native calls per thread", 1, 100'000),
                count_option("step", "1e4", "loop steps of the interpreter step (GIL held)"),
                count_option("work", "5e6",
                             "loop steps of each native call (long enough for two calls to meet)",
                             INT64_C(1) << 62, 1'000'000)},
    .run = run,
    .uses = Uses::threads | Uses::timing,
    .defaults = {{"threads", "2"}, {"repeat", "3"}},
    .tour_args = {"--work", "1e6"},
};

} // namespace parcook
