// async/vector-sum: the shared memory-bound workload c = a + b on an event loop.
// Shows: coroutines are not threads. The n elements are cut into --tasks blocks, one coroutine
// each, gathered on one io_context: with the default single loop thread they run one after the
// other (no speedup, by design: concurrency is not parallelism); -t N runs the loop on N threads
// and the same coroutines then run in parallel. The blocks are first touched by the coroutines
// that later add them. Ports: PyOpenCL vector sum (COOKBOOK section 4).
#include "async/support/loop.hpp"

#include <memory>
#include <numeric>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const unsigned threads = ctx.common().threads;
    const std::uint64_t tasks = std::min(workload::task_count(ctx, threads), n);
    const workload::VectorOp op = workload::vector_op(ctx);
    auto blocks = [&](auto body) { return async::map_blocks(n, tasks, threads, body); };

    // new[] without value-initialisation: each page is first touched by its block's coroutine.
    std::unique_ptr<std::int32_t[]> a, b, c;
    ctx.setup([&] {
        a.reset(new std::int32_t[n]);
        b.reset(new std::int32_t[n]);
        c.reset(new std::int32_t[n]);
        blocks([&](std::uint64_t begin, std::uint64_t end) {
            workload::vector_fill(seed, a.get(), b.get(), begin, end);
            std::fill(c.get() + begin, c.get() + end, 0);
            return std::int64_t{0};
        });
    });
    std::int64_t checksum = 0;
    ctx.measure([&] {
        const std::vector<std::int64_t> partial =
            blocks([&](std::uint64_t begin, std::uint64_t end) {
                return workload::vector_kernel(op, a.get(), b.get(), c.get(), begin, end);
            });
        checksum = std::accumulate(partial.begin(), partial.end(), std::int64_t{0});
    });
    workload::finish_vector_sum(ctx, {threads, tasks}, c.get(), checksum);
}

} // namespace

extern const Recipe async_vector_sum = async::shared_member(
    workload::Shared::vector_sum,
    "c = a + b over int32, one coroutine per block on one loop (-t: more loop threads)", run);

} // namespace parcook
