// gpu/cl-benchmark: "Testing your GPU application with PyOpenCL" [book ch.6].
// Shows: how much faster a data-parallel device runs the same element work than one CPU core,
// and the gap between the kernel's own time and the GPU time that includes the copies.
// The book's test: a, b = rand(10000) as float32; the CPU repeats c[i] = a[i] + b[i] 10,000
// times per element in a double loop; on the device, work-item i repeats it 10,000 times in the
// kernel `sum`, timed by its profiling event. Both loops are kept honest: every repetition is a
// volatile load, add and store, so no optimizer folds the loop-invariant body into one addition
// (which would make either side look --iterations times faster than the work it claims).
// --api opencl (a profiling queue: support/cl-benchmark-opencl.cpp) or --api cuda (CUDA events:
// support/cl-benchmark-cuda.cu). Inputs come from the shared generator, uniform in [0, 1).
// Verify: ||cpu - gpu||_2 < 1e-5 (both are the same float additions, so in fact equal), every
// c[i] == a[i] + b[i], and 0 < kernel time <= GPU time in every pass; prints "CPU Time",
// "GPU Kernel evaluation Time" and "GPU Time" as the book does.
// Deviations: the book's text says 10^9 CPU additions (its code does 10^8); a bounds check.
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/api.hpp"
#include "gpu/support/show.hpp"
#include "parcook/context.hpp"
#include "parcook/generator.hpp"

#include <cmath>
#include <vector>

namespace parcook::gpu {
namespace {

// The book's CPU test. Through the volatile pointers each repetition loads a[i] and b[i], adds
// and stores c[i]: without them the optimizer runs the invariant body once per element.
double cpu_test(const std::vector<float>& a, const std::vector<float>& b, std::vector<float>& c,
                std::uint64_t iterations) {
    const volatile float* va = a.data();
    const volatile float* vb = b.data();
    volatile float* vc = c.data();
    const Stopwatch clock;
    for (std::size_t i = 0; i < c.size(); ++i)
        for (std::uint64_t loop = 0; loop < iterations; ++loop)
            vc[i] = va[i] + vb[i];
    return clock.seconds();
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    const auto iterations = static_cast<std::uint32_t>(ctx.count("iterations"));
    if (n > UINT32_MAX)
        throw UsageError("--n: at most 4294967295 (the kernel counts with uint)");
    const std::string api = gpu::api(ctx);
    const unsigned index = device_index(ctx, api);
    std::vector<float> a(n), b(n), cpu(n), gpu(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        a[i] = static_cast<float>(draw_unit(seed, 2 * i));
        b[i] = static_cast<float>(draw_unit(seed, 2 * i + 1));
    }
    const auto device = ctx.setup([&] {
        return api == "cuda" ? open_cuda_benchmark(index, n) : open_opencl_benchmark(index, n);
    });
    ctx.say("host", api + " device " + std::to_string(index) + ": " + device->name);

    const double cpu_seconds = cpu_test(a, b, cpu, iterations);
    ctx.say("host",
            fmt::format("CPU Time: {:.6f} s ({} x {} additions)", cpu_seconds, n, iterations));
    std::vector<BenchmarkTimes> passes;
    ctx.measure_own([&] {
        passes.push_back(device->run(a, b, gpu, iterations));
        return passes.back().total;
    });
    passes.erase(passes.begin(), passes.begin() + ctx.common().warmup);
    std::vector<double> kernel, total;
    for (const BenchmarkTimes& t : passes)
        kernel.push_back(t.kernel), total.push_back(t.total);
    const double kernel_seconds = Stats::of(kernel).median, gpu_seconds = Stats::of(total).median;
    ctx.say("host", fmt::format("GPU Kernel evaluation Time: {:.6f} s", kernel_seconds));
    ctx.say("host", fmt::format("GPU Time: {:.6f} s", gpu_seconds));
    ctx.say("host", "C = " + first_elements<float>(gpu, 8));

    double squares = 0;
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        squares += (double{cpu[i]} - gpu[i]) * (double{cpu[i]} - gpu[i]);
        wrong += cpu[i] != a[i] + b[i];
    }
    ctx.check("||cpu - gpu||_2 < 1e-5", std::sqrt(squares) < 1e-5,
              fmt::format("{:.3g}", std::sqrt(squares)));
    ctx.check("every CPU c[i] == a[i] + b[i]", wrong == 0, fmt::format("{} differ", wrong));
    bool nested = true;
    for (const BenchmarkTimes& t : passes)
        nested = nested && t.kernel > 0 && t.kernel <= t.total;
    ctx.check("0 < kernel time <= GPU time in every pass", nested,
              fmt::format("first pass: kernel {} s, GPU {} s", passes[0].kernel, passes[0].total));

    ctx.param("api", boost::json::string(api));
    ctx.param("device", boost::json::string(device->name));
    ctx.field("n", n);
    ctx.field("iterations", iterations);
    ctx.metric("cpu_seconds", cpu_seconds, "s");
    ctx.metric("gpu_kernel_seconds", kernel_seconds, "s");
    ctx.metric("gpu_seconds", gpu_seconds, "s");
    ctx.metric("speedup", cpu_seconds / gpu_seconds, "x");
    ctx.metric("kernel_additions_per_second", static_cast<double>(n) * iterations / kernel_seconds,
               "1/s");
    ctx.headline("speedup");
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_cl_benchmark{
    .group = "gpu",
    .name = "cl-benchmark",
    .summary = "the same redundant element work on one CPU core and on an OpenCL/CUDA device",
    .book = "Testing your GPU application with PyOpenCL [book ch.6]",
    .options = {count_option("iterations", "10000",
                             "times each element repeats c[i] = a[i] + b[i] (COUNT)", UINT32_MAX,
                             1)},
    .run = gpu::run,
    .uses = Uses::n | Uses::seed | Uses::timing,
    .defaults = {{"n", "10000"}, {"api", "opencl"}, {"repeat", "3"}, {"warmup", "1"}},
    .tour_args = {"--n", "1000", "--iterations", "1000"},
    .bytes_per_n = 28, // a, b and two results on the host; a, b and c on PoCL
    .min_n = 1,
};

} // namespace parcook
