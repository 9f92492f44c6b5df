// threads/fib-map: the shared task-parallel workload, naive Fibonacci over an uneven list, on
// std::threads. Ports the wiki's Pool().map(fib, [38..33]) (COOKBOOK section 4).
// Shows: dynamic scheduling. The tasks are unequal (fib(38) is 40 % of the work), so instead of
// cutting the list into static blocks each member of a thread team takes the next index from one
// shared atomic counter until the list is exhausted; results land at their input position, so the
// output order is the input order whatever thread computed what. `-t 1` is the serial baseline.
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <atomic>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::vector<unsigned> tasks = workload::fib_tasks(ctx); // validates --list and --n
    const unsigned threads = ctx.common().threads;

    Team team(threads);
    std::vector<std::uint64_t> values(tasks.size());
    ctx.measure([&] {
        std::atomic<std::size_t> next{0}; // the next task nobody has taken yet
        team.run([&](unsigned) {
            for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < tasks.size();)
                values[i] = workload::fib(tasks[i]);
        });
    });

    workload::finish_fib_map(ctx, threads, tasks, values);
}

} // namespace

extern const Recipe threads_fib_map = workload::shared_recipe(
    workload::Shared::fib_map, "threads",
    "naive Fibonacci over an uneven task list, dynamic scheduling on a thread team", run, {},
    Uses::threads);

} // namespace parcook
