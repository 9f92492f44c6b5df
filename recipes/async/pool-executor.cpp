// async/pool-executor: "Using the concurrent.futures Python modules" [book ch.4].
// Shows: a thread pool speeds up CPU-bound work in C++ (no interpreter lock) and a process pool
// does too; with an emulated GIL the thread pool gains nothing, which is what the book measures
// in Python. evaluate_item(x) runs a busy loop of --iters steps and returns iters * x, for x in
// 1..10, three ways, timed: one after the other; submitted to a pool of --workers threads
// (asio::thread_pool, each call a std::packaged_task whose future is collected, so an exception
// in a task surfaces in the caller); and to a pool of --workers processes (processes/pool.hpp,
// ProcessPoolExecutor's analog, apply_async per item). --gil makes each thread-pool task hold
// an emulated interpreter lock (threads/gil.hpp) for its whole run.
// Deviations: the book's text says 100,000,000 steps (its code: 10,000,000) and uses
// time.clock, which no longer exists; a C++ step is ~100x faster, so --iters defaults higher.
#include "parcook/context.hpp"
#include "processes/pool.hpp"
#include "threads/gil.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <future>
#include <set>

namespace parcook {
namespace {

namespace asio = boost::asio;

struct Item {
    std::uint64_t x, iters;
};
struct Evaluated {
    std::uint64_t x, result;
};

// The book's count(): a loop the optimizer must not remove, then iters * x.
Evaluated evaluate_item(Item item) {
    std::uint64_t i = 0;
    for (; i < item.iters; ++i)
        asm volatile("" : "+r"(i));
    return {item.x, i * item.x};
}

const pool::Task tasks[] = {pool::task<evaluate_item>()};

using Pairs = std::set<std::pair<std::uint64_t, std::uint64_t>>;

void run(Context& ctx) {
    const std::uint64_t iters = ctx.count("iters");
    const unsigned workers = ctx.common().workers;
    const bool gil = ctx.flag("gil");
    std::vector<Item> items;
    Pairs expected;
    for (std::uint64_t x = 1; x <= 10; ++x) {
        items.push_back({x, iters});
        expected.emplace(x, iters * x);
    }
    auto report = [&](std::string_view mode, const std::vector<Evaluated>& done, double seconds) {
        Pairs got;
        for (const Evaluated& e : done) {
            ctx.say(mode, fmt::format("item {} result {}", e.x, e.result));
            got.emplace(e.x, e.result);
        }
        ctx.check(fmt::format("{}: every pair (x, iters * x) for x = 1..10", mode),
                  got == expected && done.size() == items.size(),
                  fmt::format("{} results", done.size()));
        ctx.metric(fmt::format("{}_seconds", mode), seconds, "s");
        return seconds;
    };

    Stopwatch clock;
    std::vector<Evaluated> sequential;
    for (const Item& item : items)
        sequential.push_back(evaluate_item(item));
    const double base = report("sequential", sequential, clock.seconds());

    clock.restart();
    std::vector<Evaluated> threaded;
    {
        asio::thread_pool executor(workers); // ThreadPoolExecutor(max_workers)
        std::vector<std::future<Evaluated>> futures;
        for (const Item& item : items) {
            std::packaged_task<Evaluated()> call([item, gil] {
                gil::HoldGil interpreter(gil);
                return evaluate_item(item);
            });
            futures.push_back(call.get_future());
            asio::post(executor, std::move(call)); // executor.submit(evaluate_item, item)
        }
        for (auto& f : futures)
            threaded.push_back(f.get()); // rethrows what the task threw
        executor.join();                 // shutdown(wait=True)
    }
    const double thread_pool = report("thread_pool", threaded, clock.seconds());

    clock.restart();
    std::vector<Evaluated> forked;
    {
        ProcessPool executor(ctx, tasks, workers); // ProcessPoolExecutor(max_workers)
        std::vector<std::future<Evaluated>> futures;
        for (const Item& item : items)
            futures.push_back(executor.apply_async(evaluate_item, item));
        for (auto& f : futures)
            forked.push_back(f.get());
    }
    const double process_pool = report("process_pool", forked, clock.seconds());

    ctx.param("iters", iters);
    ctx.param("gil", gil);
    ctx.metric("thread_pool_vs_sequential", thread_pool / base, "x");
    ctx.metric("process_pool_vs_sequential", process_pool / base, "x");
    ctx.headline("thread_pool_vs_sequential");
}

} // namespace

extern const Recipe async_pool_executor{
    .group = "async",
    .name = "pool-executor",
    .summary = "the same CPU-bound items sequentially, on a thread pool and on a process pool",
    .book = "Using the concurrent.futures Python modules [book ch.4]",
    .options = pool::options(
        {count_option("iters", "1e8", "busy-loop steps per item (the book: 1e7 Python steps)",
                      INT64_C(1) << 40, 1),
         flag_option("gil", "thread-pool tasks hold an emulated interpreter lock, as in Python")}),
    .run = run,
    .uses = Uses::workers,
    .defaults = {{"workers", "5"}},
    .tour_args = {"--iters", "1e6"},
    .roles = {pool::worker_role<tasks>()},
};

} // namespace parcook
