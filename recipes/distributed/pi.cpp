// distributed/pi: "Scientific computing with SCOOP" (Monte Carlo pi) [book ch.5]; the
// distributed member of the shared pi workload (COOKBOOK section 4).
// Shows: many small independent futures farmed out to worker processes. The n samples are cut
// into --tasks ranges (default 4 per worker); each range is a task pi_count(seed, begin, end) on
// the broker, sent all at once, and the results come back in input order (SCOOP's futures.map).
// Sample k uses the shared counter-based draws, so the hits equal every other group's for the
// same seed and n, whatever --workers and --tasks.
#include "distributed/support/queue_cluster.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    std::optional<queue::Cluster> cluster;
    if (!queue::answered(ctx, [&] { ctx.setup([&] { cluster.emplace(ctx); }); }))
        return;
    const unsigned workers = cluster->workers();
    const std::uint64_t parts = std::min(workload::task_count(ctx, std::max(workers, 1u)), n);
    std::vector<boost::json::array> ranges;
    for (std::uint64_t t = 0; t < parts; ++t) {
        const auto [begin, end] = block(n, static_cast<unsigned>(parts), static_cast<unsigned>(t));
        ranges.push_back({seed, begin, end});
    }
    std::uint64_t hits = 0;
    if (!queue::answered(ctx, [&] {
            ctx.measure([&] {
                hits = 0;
                for (const auto& h : queue::map(cluster->client(), "parcook.pi_count", ranges))
                    hits += h.to_number<std::uint64_t>();
            });
        }))
        return;
    workload::finish_pi(ctx, {workers, parts}, hits);
}

} // namespace

extern const Recipe distributed_pi = queue::member(workload::shared_recipe(
    workload::Shared::pi, "distributed",
    "Monte Carlo pi: ranges of samples as tasks for worker processes on a Redis broker", run,
    queue::cluster_options(), Uses::tasks));

} // namespace parcook
