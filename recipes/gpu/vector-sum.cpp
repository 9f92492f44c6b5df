// gpu/vector-sum: "How to build a PyOpenCL application" [book ch.6, article, overview], and the
// gpu member of the shared workload vector-sum (c = a + b over int32, memory-bound).
// Shows: a whole host program around the simplest data-parallel kernel: pick a device, copy the
// inputs in, launch, copy the result out. The recipe is the same for every API (one interface,
// support/vector-sum.hpp); --api cuda runs a grid-stride kernel (support/vector-sum-cuda.cu),
// --api opencl the book's OpenCL kernel (support/vector-sum-opencl.cpp; PoCL in CI).
// Inputs come from the shared counter-based generator, filled on the host during set-up: the
// book's program starts with its vectors on the host, and each timed pass repeats it (copy a and
// b in, run the kernel, copy c out), so the record can keep the kernel time apart from that
// end-to-end time (both from device events) and both APIs move the same bytes. The host then
// checks every c[i] and the checksum against the generator.
// Deviations from the book: int32 on both sides (the book feeds NumPy's int64 to a 32-bit kernel),
// a bounds check, any --n (default 1e7 rather than 100), 16-byte loads in the CUDA kernel.
// No -t/--threads: the launch sets the GPU's parallelism (the record's `parallelism` counts its
// threads), and the untimed fill uses every CPU of the host.
#include "gpu/support/vector-sum.hpp"
#include "gpu/support/api.hpp"
#include "gpu/support/show.hpp"
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <thread>

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const workload::VectorOp op = workload::vector_op(ctx);
    const std::string api = gpu::api(ctx);
    const unsigned device = device_index(ctx, api);

    auto gpu = ctx.setup([&] {
        auto d = api == "cuda" ? open_cuda(device, op, n) : open_opencl(device, op, n);
        // 2n generator draws: seconds on one core at n = 1e8
        Team team(std::max(1u, std::thread::hardware_concurrency()), false);
        team.run([&](unsigned m) {
            auto [begin, end] = block(n, team.size(), m);
            workload::vector_fill(seed, d->a, d->b, begin, end);
            std::fill(d->c + begin, d->c + end, -1);
        });
        return d;
    });
    ctx.say("host", api + " device " + std::to_string(device) + ": " + gpu->name);
    ctx.say("host", "VECTOR LENGTH = " + std::to_string(n));
    ctx.say("host", "A = " + first_elements<std::int32_t>({gpu->a, n}));
    ctx.say("host", "B = " + first_elements<std::int32_t>({gpu->b, n}));

    std::vector<double> kernel, end_to_end;
    ctx.measure_own([&] {
        const PassTimes t = gpu->pass();
        kernel.push_back(t.kernel);
        end_to_end.push_back(t.end_to_end);
        return t.kernel;
    });
    kernel.erase(kernel.begin(), kernel.begin() + ctx.common().warmup);
    end_to_end.erase(end_to_end.begin(), end_to_end.begin() + ctx.common().warmup);
    ctx.say("host", "C = " + first_elements<std::int32_t>({gpu->c, n}));

    const std::int64_t checksum = std::accumulate(gpu->c, gpu->c + n, std::int64_t{0});
    bool nested = true;
    for (std::size_t i = 0; i < kernel.size(); ++i)
        nested = nested && kernel[i] > 0 && kernel[i] <= end_to_end[i];
    ctx.check("0 < kernel time <= end-to-end time in every pass", nested,
              "first pass: kernel " + std::to_string(kernel[0]) + " s, end-to-end " +
                  std::to_string(end_to_end[0]) + " s");

    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    workload::finish_vector_sum(ctx, {static_cast<unsigned>(gpu->threads), gpu->groups}, gpu->c,
                                checksum);
    const double bandwidth = ctx.result().find_metric("bandwidth")->value;
    ctx.metric("end_to_end_seconds", Stats::of(end_to_end).median, "s");
    if (gpu->peak_gbs) {
        ctx.metric("peak_bandwidth", *gpu->peak_gbs, "GB/s");
        ctx.metric("pct_of_peak", 100 * bandwidth / *gpu->peak_gbs, "%");
    }
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_vector_sum = workload::shared_recipe(
    workload::Shared::vector_sum, "gpu",
    "c = a + b over int32 on a GPU (CUDA or OpenCL); kernel and end-to-end times", gpu::run);

} // namespace parcook
