// distributed/fib-map: the distributed member of the shared fib-map workload (COOKBOOK section
// 4; the wiki's pool map over Fibonacci).
// Shows: irregular task parallelism through a broker: each list item is one task fib(k) (SCOOP
// style, one future per item); idle workers take the next waiting task, so the uneven items
// balance themselves. Results come back in input order.
#include "distributed/support/queue_cluster.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::vector<unsigned> tasks = workload::fib_tasks(ctx);
    std::optional<queue::Cluster> cluster;
    if (!queue::answered(ctx, [&] { ctx.setup([&] { cluster.emplace(ctx); }); }))
        return;
    std::vector<boost::json::array> args;
    for (unsigned k : tasks)
        args.push_back({k});
    std::vector<std::uint64_t> values;
    if (!queue::answered(ctx, [&] {
            ctx.measure([&] {
                values.clear();
                for (const auto& v : queue::map(cluster->client(), "parcook.fib", args))
                    values.push_back(v.to_number<std::uint64_t>());
            });
        }))
        return;
    workload::finish_fib_map(ctx, cluster->workers(), tasks, values);
}

} // namespace

extern const Recipe distributed_fib_map = queue::member(workload::shared_recipe(
    workload::Shared::fib_map, "distributed",
    "naive Fibonacci over an uneven list: one task per item for worker processes", run,
    queue::cluster_options()));

} // namespace parcook
