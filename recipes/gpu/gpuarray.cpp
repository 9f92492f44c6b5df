// gpu/gpuarray: "Kernel invocations with GPUArray" [book ch.6]. Shows: whole-array arithmetic on
// the GPU without writing a kernel. A DeviceArray (support/gpuarray-cuda.cu: thrust::device_vector
// behind to_gpu, operator* and get()) holds a randn float32 matrix; `2 * a_gpu` runs on the device
// and returns a new array, as GPUArray's arithmetic does. The kernel time covers the arithmetic
// (allocation of the result included, as in PyCUDA), the transfers to_gpu and get().
// Verify: result == 2 x input exactly; the input array is unchanged on the device.
// Deviations from the book: its printed sample is 5 x 5 (its code 4 x 4) and swaps the labels.
#include "gpu/support/gpuarray.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <random>

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    require_cuda_api(ctx);
    const std::uint64_t n = ctx.common().n;
    ctx.require_memory(4.0 * 4 * static_cast<double>(n), "n");
    std::vector<float> a(n);
    std::mt19937_64 rng(ctx.common().seed);
    std::normal_distribution<float> randn;
    std::generate(a.begin(), a.end(), [&] { return randn(rng); });

    GpuArrayRun last;
    PassLog log;
    const auto device = device_index(ctx, "cuda");
    ctx.measure_own([&] {
        last = gpuarray_double(device, a);
        return log.keep(last.times);
    });
    const auto side = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
    if (n <= 64 && side * side == n)
        for (std::uint64_t i = 0; i < side; ++i) {
            ctx.say("a_gpu", fmt::format("{:9.5f}", fmt::join(a.begin() + i * side,
                                                              a.begin() + (i + 1) * side, " ")));
            ctx.say("a_doubled",
                    fmt::format("{:9.5f}", fmt::join(last.doubled.begin() + i * side,
                                                     last.doubled.begin() + (i + 1) * side, " ")));
        }
    std::uint64_t doubled = 0;
    for (std::uint64_t i = 0; i < n; ++i)
        doubled += last.doubled[i] == 2 * a[i];
    ctx.check("(2 * a_gpu).get() == 2 x input for every element", doubled == n,
              fmt::format("{} of {}", doubled, n));
    ctx.check("a_gpu unchanged on the device (arithmetic made a new array)", last.input_after == a);
    ctx.param("device", last.name.c_str());
    record_passes(ctx, log.medians(ctx), {.bytes = 8.0 * static_cast<double>(n)}, last.copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_gpuarray{
    .group = "gpu",
    .name = "gpuarray",
    .summary = "whole-array arithmetic on the device (a GPUArray over Thrust): 2 * a_gpu",
    .book = "Kernel invocations with GPUArray [book ch.6]",
    .options = {},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing | Uses::seed,
    .defaults = {{"n", "16"}},
    .tour_args = {"--n", "1e6"},
    .min_n = 1,
};

} // namespace parcook
