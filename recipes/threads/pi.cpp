// threads/pi: the shared compute-bound workload, Monte Carlo pi, on std::threads.
// Ports SCOOP's Monte Carlo pi (COOKBOOK section 4, distributed/pi).
// Shows: a data-parallel reduction without shared counters. Each member of a thread team counts
// the hits of one static contiguous block of samples into its own slot; the slots are summed
// after the parallel region. Sample k is drawn from the counter-based generator at (seed, 2k)
// and (seed, 2k + 1), so the hit count is identical for any thread count and in every group.
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <numeric>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const unsigned threads = ctx.common().threads;

    Team team(threads);
    // One slot per member, a cache line apart, written once at the end of the member's block.
    struct alignas(64) Slot {
        std::uint64_t hits;
    };
    std::vector<Slot> partial(threads);
    std::uint64_t hits = 0;
    ctx.measure([&] {
        team.run([&](unsigned m) {
            auto [begin, end] = block(n, threads, m);
            partial[m].hits = workload::pi_hits(seed, begin, end);
        });
        hits = std::accumulate(partial.begin(), partial.end(), std::uint64_t{0},
                               [](std::uint64_t sum, const Slot& s) { return sum + s.hits; });
    });

    workload::finish_pi(ctx, {threads, threads}, hits);
}

} // namespace

extern const Recipe threads_pi = workload::shared_recipe(
    workload::Shared::pi, "threads",
    "Monte Carlo pi, one static block of samples per thread (compute-bound)", run, {},
    Uses::threads);

} // namespace parcook
