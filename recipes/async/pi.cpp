// async/pi: the shared compute-bound workload, Monte Carlo pi, on an event loop.
// Shows: --tasks coroutines, each counting the hits of one block of samples, gathered on one
// io_context. One loop thread runs them one after the other; -t N lets N threads run the loop
// and the blocks in parallel. Sample k uses the shared counter-based draws, so the hits equal
// every other group's for the same seed and n. Ports SCOOP's Monte Carlo pi (COOKBOOK section 4).
#include "async/support/loop.hpp"

#include <numeric>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const unsigned threads = ctx.common().threads;
    const std::uint64_t tasks = std::min(workload::task_count(ctx, threads), n);
    std::uint64_t hits = 0;
    ctx.measure([&] {
        const std::vector<std::uint64_t> partial =
            async::map_blocks(n, tasks, threads, [&](std::uint64_t begin, std::uint64_t end) {
                return workload::pi_hits(seed, begin, end);
            });
        hits = std::accumulate(partial.begin(), partial.end(), std::uint64_t{0});
    });
    workload::finish_pi(ctx, {threads, tasks}, hits);
}

} // namespace

extern const Recipe async_pi = async::shared_member(
    workload::Shared::pi, "Monte Carlo pi, one coroutine per block of samples on one loop", run);

} // namespace parcook
