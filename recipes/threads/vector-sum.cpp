// threads/vector-sum: the shared memory-bound workload c = a + b on std::threads.
// Each member of a pinned thread team owns one contiguous block: it first-touches and fills its
// block during set-up, then adds it in the timed region and returns a partial checksum, so no
// counter is shared while the kernel runs. Ports: PyOpenCL vector sum (COOKBOOK section 4).
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <memory>

namespace parcook {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const unsigned threads = ctx.common().threads;
    const workload::VectorOp op = workload::vector_op(ctx);

    // new[] without value-initialisation: pages are first touched by the thread that uses them.
    std::unique_ptr<std::int32_t[]> a, b, c;
    Team team(threads);
    ctx.setup([&] {
        a.reset(new std::int32_t[n]);
        b.reset(new std::int32_t[n]);
        c.reset(new std::int32_t[n]);
        team.run([&](unsigned m) {
            auto [begin, end] = block(n, threads, m);
            workload::vector_fill(seed, a.get(), b.get(), begin, end);
            std::fill(c.get() + begin, c.get() + end, 0);
        });
    });

    std::vector<std::int64_t> partial(threads);
    ctx.measure([&] {
        team.run([&](unsigned m) {
            auto [begin, end] = block(n, threads, m);
            partial[m] = workload::vector_kernel(op, a.get(), b.get(), c.get(), begin, end);
        });
    });
    std::int64_t checksum = 0;
    for (std::int64_t p : partial)
        checksum += p;

    workload::finish_vector_sum(ctx, {threads, threads}, c.get(), checksum);
}

} // namespace

extern const Recipe threads_vector_sum = workload::shared_recipe(
    workload::Shared::vector_sum, "threads",
    "c = a + b over int32 arrays, one block per thread (memory-bound)", run, {}, Uses::threads);

} // namespace parcook
