// async/gather: not a book recipe: what a coroutine costs, next to asyncio's.
// Shows: tasks on an event loop are cheap. --n trivial tasks are spawned at once, each yields to
// the loop once (asyncio.sleep(0): asio::post of its own continuation) and returns its index;
// asyncio.gather waits for them all (an Asio parallel group). Then one coroutine awaits a trivial
// coroutine --n times in a chain (no task, no trip through the loop). The rates are what
// Python's asyncio gives 100,000 tasks (../shared/anchors/peers/py_asyncio.py).
#include "async/support/loop.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <numeric>

namespace parcook {
namespace {

namespace asio = boost::asio;
using async::task;

task<std::uint64_t> one(std::uint64_t index) {
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
    std::uint64_t sum = 0, chained = 0;
    const Stats& gathered = async::measure(
        ctx,
        [&]() -> task<> {
            const std::vector<std::uint64_t> indices = co_await async::gather(n, one);
            sum = std::accumulate(indices.begin(), indices.end(), std::uint64_t{0});
        },
        threads);
    const double gather_seconds = gathered.median;
    Stopwatch chain_clock;
    async::run_loop([&]() -> task<> {
        for (std::uint64_t i = 0; i < n; ++i)
            chained += co_await trivial();
    });
    const double chain_seconds = chain_clock.seconds();

    ctx.check("every task completed once: the indices sum to n(n-1)/2", sum == n * (n - 1) / 2,
              fmt::format("{}", sum));
    ctx.check("the chain awaited n coroutines", chained == n, fmt::format("{}", chained));
    ctx.metric("tasks_per_second", static_cast<double>(n) / gather_seconds, "tasks/s");
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
