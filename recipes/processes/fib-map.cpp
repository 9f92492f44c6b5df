// processes/fib-map: process pool over Fibonacci [wiki]; the processes member of the shared
// fib-map workload (COOKBOOK section 4).
// Shows: CPU-bound work speeds up with processes: Pool().map(fib, [38, 37, 36, 35, 34, 33]) with
// the naive recursion. One item per chunk, so a worker that is free takes the next item (dynamic
// scheduling matters: fib(38) alone is 40 % of the work). --seq computes the list in this
// process, the baseline. The workers start once, before the timed runs: their start-up
// (pool_start) and shutdown (pool_stop) are reported apart, and seconds_with_pool adds them to
// one map, which is what Python's `with Pool() as p: p.map(...)` measures.
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"
#include "processes/pool.hpp"

#include <optional>

namespace parcook {
namespace {

std::uint64_t fib(unsigned k) {
    return workload::fib(k);
}

const pool::Task tasks[] = {pool::task<fib>()};

void run(Context& ctx) {
    const std::vector<unsigned> list = workload::fib_tasks(ctx);
    const bool seq = ctx.flag("seq");

    std::optional<ProcessPool> pool;
    if (!seq)
        ctx.setup([&] { pool.emplace(ctx, tasks); });
    std::vector<std::uint64_t> values;
    try {
        ctx.measure([&] {
            if (seq) {
                values.clear();
                for (unsigned k : list)
                    values.push_back(fib(k));
            } else {
                values = pool->map(fib, list, 1);
            }
        });
    } catch (const pool::TaskLost& lost) {
        ctx.check("no item lost (a lost item runs again on a new worker)", false, lost.what());
        return;
    }
    const unsigned parallelism = seq ? 1 : pool->size();
    const double median = ctx.result().timing->median;
    if (pool) {
        const double start = pool->start_seconds();
        Stopwatch sw;
        pool.reset(); // close and join: every worker exits
        const double stop = sw.seconds();
        ctx.metric("pool_start", start, "s");
        ctx.metric("pool_stop", stop, "s");
        ctx.metric("seconds_with_pool", start + median + stop, "s");
    }

    workload::finish_fib_map(ctx, parallelism, list, values);
}

} // namespace

extern const Recipe processes_fib_map = pool::with_worker_role<tasks>(workload::shared_recipe(
    workload::Shared::fib_map, "processes",
    "naive Fibonacci over an uneven list with a pool of worker processes", run,
    pool::options({flag_option("seq", "compute the list in this process (the baseline)")}),
    Uses::workers));

} // namespace parcook
