// gpu/pi: the gpu member of the shared compute-bound workload Monte Carlo pi (COOKBOOK section 4;
// SCOOP's distributed/pi in the book). Shows: a reduction on the device. Thousands of threads each
// count the hits of a strided share of the samples, drawn from the shared counter-based generator
// (so the count equals every other group's); the partial counts are reduced on the device (CUDA:
// a tree in shared memory and one atomicAdd per block) or by the host over per-work-item slots
// (OpenCL, whose 64-bit atomics are optional). --api cuda|opencl (support/pi-*.{cu,cpp}).
#include "gpu/support/pi.hpp"
#include "gpu/support/api.hpp"
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const std::string api = gpu::api(ctx);
    const unsigned device = device_index(ctx, api);
    auto gpu = ctx.setup(
        [&] { return api == "cuda" ? open_pi_cuda(device, n) : open_pi_opencl(device, n); });
    ctx.say("host", api + " device " + std::to_string(device) + ": " + gpu->name);

    std::uint64_t hits = 0;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(seed, n, hits)); });

    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    workload::finish_pi(ctx, {static_cast<unsigned>(gpu->threads), gpu->groups}, hits);
    record_passes(ctx, log.medians(ctx), {}, std::nullopt);
    ctx.headline(std::string(workload::describe(workload::Shared::pi).rate_name));
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_pi = workload::shared_recipe(
    workload::Shared::pi, "gpu", "Monte Carlo pi on a GPU (CUDA or OpenCL), reduced on the device",
    gpu::run);

} // namespace parcook
