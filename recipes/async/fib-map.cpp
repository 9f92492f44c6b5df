// async/fib-map: the shared task-parallel workload, naive Fibonacci over an uneven list, on an
// event loop. Shows: one coroutine per list item, gathered (asyncio.gather); the loop hands each
// thread that runs it the next ready coroutine, so with -t N the uneven items balance themselves
// as a shared work queue would. Results come back in input order. Ports the wiki's
// Pool().map(fib, [38..33]) (COOKBOOK section 4).
#include "async/support/loop.hpp"

namespace parcook {
namespace {

using async::task;

void run(Context& ctx) {
    const std::vector<unsigned> tasks = workload::fib_tasks(ctx); // validates --list and --n
    const unsigned threads = ctx.common().threads;
    std::vector<std::uint64_t> values;
    async::measure(
        ctx,
        [&]() -> task<> {
            values =
                co_await async::gather(tasks.size(), [&](std::size_t i) -> task<std::uint64_t> {
                    co_return workload::fib(tasks[i]);
                });
        },
        threads);
    workload::finish_fib_map(ctx, threads, tasks, values);
}

} // namespace

extern const Recipe async_fib_map = async::shared_member(
    workload::Shared::fib_map, "naive Fibonacci over an uneven list, one coroutine per item", run,
    Uses::none);

} // namespace parcook
