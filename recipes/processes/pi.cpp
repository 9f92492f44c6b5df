// processes/pi: Monte Carlo pi with a pool of worker processes; the processes member of the
// shared pi workload (COOKBOOK section 4; ports SCOOP's Monte Carlo pi, distributed/pi).
// Shows: a compute-bound map over ranges. The n samples are cut into --tasks ranges (default 4
// per worker); each range travels to a worker through its pipe as three numbers, the worker
// counts the hits and sends one number back, and the parent sums them. Sample k uses the shared
// counter-based draws, so the hits equal every other group's for the same seed and n. The
// workers start once, before the timed runs (pool_start).
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"
#include "processes/pool.hpp"

namespace parcook {
namespace {

struct Range {
    std::uint64_t seed, begin, end;
};

std::uint64_t count_hits(Range r) {
    return workload::pi_hits(r.seed, r.begin, r.end);
}

const pool::Task tasks[] = {pool::task<count_hits>()};

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;

    std::optional<ProcessPool> pool;
    ctx.setup([&] { pool.emplace(ctx, tasks); });
    const std::uint64_t parts = std::min(workload::task_count(ctx, pool->size()), n);
    std::vector<Range> ranges;
    for (std::uint64_t t = 0; t < parts; ++t) {
        const auto [begin, end] = block(n, static_cast<unsigned>(parts), static_cast<unsigned>(t));
        ranges.push_back({seed, begin, end});
    }

    std::uint64_t hits = 0;
    try {
        ctx.measure([&] {
            hits = 0;
            for (std::uint64_t h : pool->map(count_hits, ranges, 1))
                hits += h;
        });
    } catch (const pool::TaskLost& lost) {
        ctx.check("no range lost (a lost range runs again on a new worker)", false, lost.what());
        return;
    }
    ctx.metric("pool_start", pool->start_seconds(), "s");

    workload::finish_pi(ctx, {pool->size(), parts}, hits);
}

} // namespace

extern const Recipe processes_pi = pool::with_worker_role<tasks>(workload::shared_recipe(
    workload::Shared::pi, "processes",
    "Monte Carlo pi: ranges of samples mapped over a pool of worker processes", run,
    pool::options(), Uses::workers | Uses::tasks));

} // namespace parcook
