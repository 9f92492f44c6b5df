// threads/define: "How to define a thread" [book ch.2].
// Shows: passing an argument to a thread, std::jthread(function, i); started together, the
// threads' lifetimes overlap and the order of their lines is up to the scheduler.
// function(i) prints "function called by thread i" and then sleeps --sleep (the book's function
// returns at once; the sleep makes the overlap measurable). Each thread records its [start, end]
// interval; the record carries the print order and the intervals.
// Book issues: the book joins each thread inside the loop that starts it, which serializes them,
// so its code always prints 0..4 in order and its sample output (0, 3, 2, 1, 4) cannot come from
// it. The port starts all threads, then joins all; --serial reproduces the book's loop.
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <mutex>
#include <thread>

namespace parcook {
namespace {

struct Interval {
    double start = 0, end = 0;
};

void run(Context& ctx) {
    const unsigned n = ctx.common().threads;
    const Duration sleep = ctx.duration("sleep");
    const bool serial = ctx.flag("serial");
    if (sleep <= Duration::zero())
        throw UsageError("--sleep: must be longer than 0");
    ctx.param("threads", n);
    ctx.param("sleep_s", to_seconds(sleep));
    ctx.param("serial", serial);

    std::mutex print; // keeps `order` in the order the lines were printed
    std::vector<unsigned> order;
    std::vector<Interval> spans(n); // element i is written by thread i only
    auto function = [&](unsigned i) {
        spans[i].start = ctx.elapsed();
        {
            std::lock_guard guard(print);
            order.push_back(i);
            ctx.say(fmt::format("thread {}", i), fmt::format("function called by thread {}", i));
        }
        std::this_thread::sleep_for(sleep);
        spans[i].end = ctx.elapsed();
    };

    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < n; ++i) {
        threads.emplace_back(function, i);
        if (serial)
            threads.back().join(); // the book's loop: one thread at a time
    }
    for (std::jthread& t : threads)
        if (t.joinable())
            t.join();

    boost::json::array intervals;
    for (const Interval& s : spans)
        intervals.push_back({s.start, s.end});
    ctx.field("order", boost::json::array(order.begin(), order.end()));
    ctx.field("intervals", std::move(intervals));

    std::vector<unsigned> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    bool each_once = sorted.size() == n;
    for (unsigned i = 0; each_once && i < n; ++i)
        each_once = sorted[i] == i;
    ctx.check("each id printed exactly once", each_once,
              fmt::format("printed {}", fmt::join(order, ", ")));
    if (serial) {
        ctx.check("--serial: printed in order 0, 1, ..., n-1", order == sorted,
                  fmt::format("printed {}", fmt::join(order, ", ")));
        bool disjoint = true;
        for (unsigned i = 1; i < n; ++i)
            disjoint = disjoint && spans[i - 1].end <= spans[i].start;
        ctx.check("--serial: intervals are disjoint (each starts after the previous ends)",
                  disjoint);
    } else {
        const double last_start =
            std::max_element(spans.begin(), spans.end(), [](auto& a, auto& b) {
                return a.start < b.start;
            })->start;
        const double first_end = std::min_element(spans.begin(), spans.end(), [](auto& a, auto& b) {
                                     return a.end < b.end;
                                 })->end;
        ctx.check(
            "intervals overlap (latest start < earliest end)", last_start < first_end,
            fmt::format("latest start {:.6f} s, earliest end {:.6f} s", last_start, first_end));
    }
}

} // namespace

extern const Recipe threads_define{
    .group = "threads",
    .name = "define",
    .summary = "start threads with an argument each, then join them all",
    .book = "How to define a thread [book ch.2]",
    .options = {duration_option("sleep", "100ms", "time each thread sleeps after printing"),
                flag_option("serial", "join inside the loop, as the book's code does")},
    .run = run,
    .uses = Uses::threads,
    .defaults = {{"threads", "5"}},
    .tour_args = {"--sleep", "20ms"},
};

} // namespace parcook
