// distributed/vector-sum: the distributed member of the shared vector-sum workload (COOKBOOK
// section 4; PyOpenCL's vector sum).
// Shows: a memory-bound map whose data never travels: each task is a block range
// vector_sum_block(seed, begin, end, alpha, beta); its worker regenerates a and b for the block
// from the seed, computes c = alpha a + beta b and returns the block's checksum. The parent sums
// the checksums; finish_vector_sum checks the total against a serial sum.
#include "distributed/support/queue_cluster.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const workload::VectorOp op = workload::vector_op(ctx);
    std::optional<queue::Cluster> cluster;
    if (!queue::answered(ctx, [&] { ctx.setup([&] { cluster.emplace(ctx); }); }))
        return;
    const unsigned workers = cluster->workers();
    const std::uint64_t parts = std::min(workload::task_count(ctx, std::max(workers, 1u)), n);
    std::vector<boost::json::array> blocks;
    for (std::uint64_t t = 0; t < parts; ++t) {
        const auto [begin, end] = block(n, static_cast<unsigned>(parts), static_cast<unsigned>(t));
        blocks.push_back({seed, begin, end, op.alpha, op.beta});
    }
    std::int64_t checksum = 0;
    if (!queue::answered(ctx, [&] {
            ctx.measure([&] {
                checksum = 0;
                for (const auto& s :
                     queue::map(cluster->client(), "parcook.vector_sum_block", blocks))
                    checksum += s.to_number<std::int64_t>();
            });
        }))
        return;
    workload::finish_vector_sum(ctx, {workers, parts}, nullptr, checksum);
}

} // namespace

extern const Recipe distributed_vector_sum = queue::member(workload::shared_recipe(
    workload::Shared::vector_sum, "distributed",
    "c = a + b: block ranges as tasks; workers regenerate their block and return checksums", run,
    queue::cluster_options(), Uses::tasks));

} // namespace parcook
