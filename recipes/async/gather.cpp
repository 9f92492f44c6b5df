// async/gather: not a book recipe: what a coroutine task costs, next to asyncio's.
// Shows: tasks on an event loop are cheap. --n trivial tasks are scheduled at once, each yields
// to the loop once (asyncio.sleep(0)) and returns its index, and asyncio.gather waits for them
// all. Twice: as jobs (support/jobs.hpp: a coroutine handle posted to the loop, what an asyncio
// Task is underneath) and as asio::co_spawn'ed awaitables gathered by an Asio parallel group
// (Asio's general-purpose task, with cancellation and a completion handler per task). Then one
// coroutine awaits a trivial coroutine --n times in a chain (no task, no trip through the loop).
// The rates compare with Python's asyncio on 100,000 tasks (../shared/anchors/peers/py_asyncio.py).
#include "async/support/jobs.hpp"
#include "async/support/loop.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <numeric>

namespace parcook {
namespace {

namespace asio = boost::asio;
using async::task;

async::job<std::uint64_t> one_job(async::Executor loop, std::uint64_t index) {
    co_await async::yield_to{loop}; // sleep(0)
    co_return index;
}

task<std::uint64_t> one_spawned(std::uint64_t index) {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); // sleep(0)
    co_return index;
}

task<std::uint64_t> trivial() {
    co_return 1;
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n;
    const unsigned threads = ctx.common().threads;
    ctx.require_memory(static_cast<double>(n) * 512, "n"); // a coroutine frame and its operation
    const auto index_sum = [](const std::vector<std::uint64_t>& indices) {
        return std::accumulate(indices.begin(), indices.end(), std::uint64_t{0});
    };
    std::uint64_t spawned_sum = 0, job_sum = 0, chained = 0;
    const double spawn_seconds =
        async::measure(
            ctx,
            [&]() -> task<> { spawned_sum = index_sum(co_await async::gather(n, one_spawned)); },
            threads)
            .median;
    Stopwatch chain_clock;
    async::run_loop([&]() -> task<> {
        for (std::uint64_t i = 0; i < n; ++i)
            chained += co_await trivial();
    });
    const double chain_seconds = chain_clock.seconds();
    const double job_seconds =
        async::measure(
            ctx,
            [&]() -> task<> {
                const async::Executor loop = co_await async::current_loop();
                job_sum = index_sum(co_await async::gather_jobs(
                    loop, n, [loop](std::size_t i) { return one_job(loop, i); }));
            },
            threads)
            .median;

    const std::uint64_t expected = n * (n - 1) / 2;
    ctx.check("every job completed once: the indices sum to n(n-1)/2", job_sum == expected,
              fmt::format("{}", job_sum));
    ctx.check("every co_spawn'ed task completed once", spawned_sum == expected,
              fmt::format("{}", spawned_sum));
    ctx.check("the chain awaited n coroutines", chained == n, fmt::format("{}", chained));
    ctx.metric("tasks_per_second", static_cast<double>(n) / job_seconds, "tasks/s");
    ctx.metric("co_spawn_tasks_per_second", static_cast<double>(n) / spawn_seconds, "tasks/s");
    ctx.metric("awaits_per_second", static_cast<double>(n) / chain_seconds, "awaits/s");
    ctx.headline("tasks_per_second");
}

} // namespace

extern const Recipe async_gather{
    .group = "async",
    .name = "gather",
    .summary = "spawn n trivial tasks that yield once and gather them: tasks per second",
    .book = "not in the book: asyncio.gather of n tasks x sleep(0), as py_asyncio.py measures",
    .options = {},
    .run = run,
    .uses = Uses::n | Uses::threads | Uses::timing,
    .defaults = {{"n", "1e5"}, {"threads", "1"}},
    .tour_args = {"--n", "1e4"},
    .min_n = 1,
};

} // namespace parcook
