// gpu/dot: "The MapReduce operation with PyCUDA" [book ch.6], PyCUDA's ReductionKernel with
// map_expr "x[i]*y[i]", reduce_expr "a+b", neutral 0. Shows: map-reduce on the GPU, an
// element-wise map fused with a tree reduction, the result a device scalar until copied out.
// --api cuda (support/dot-cuda.cu): --impl thrust (thrust::inner_product), cub
// (cub::DeviceReduce::Sum over a transform iterator, the fused map) or kernel (a two-stage
// shared-memory reduction written out, for teaching). --api opencl (support/dot-opencl.cpp, the
// PyOpenCL ReductionKernel's analog): the two-stage kernel in local memory, so only --impl kernel.
// --impl auto (the default) is cub on CUDA and kernel on OpenCL; --impl thrust or cub with
// --api auto means CUDA (exit 77 where there is no CUDA GPU), with --api opencl a usage error.
// Both inputs are arange(n) as uint64, copied in every pass; the sum accumulates in uint64 (exact
// for n <= 3e6, else modulo 2^64 like every group's sum-squares).
// Verify: result == (n-1) n (2n-1) / 6 modulo 2^64 (400 -> 21253400).
// Deviations from the book: 64-bit integers on both sides (its kernel reads NumPy's int64 as
// int, and 32-bit sums overflow past n = 1860); the book's text says 500 elements, its code 400.
#include "gpu/support/dot.hpp"
#include "gpu/support/api.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <numeric>

namespace parcook::gpu {
namespace {

// The API and the reduction: an explicit thrust or cub asks for CUDA.
std::pair<std::string, DotImpl> api_and_impl(const Context& ctx) {
    const std::string& impl = ctx.text("impl");
    if (impl == "thrust" || impl == "cub") {
        if (ctx.text("api") == "opencl")
            throw UsageError("--impl: " + impl + " runs on CUDA only (with --api opencl: kernel)");
        return {"cuda", impl == "thrust" ? DotImpl::thrust : DotImpl::cub};
    }
    const std::string api = gpu::api(ctx);
    return {api, impl == "kernel" || api == "opencl" ? DotImpl::kernel : DotImpl::cub};
}

const char* impl_name(DotImpl impl) {
    return impl == DotImpl::thrust ? "thrust" : impl == DotImpl::cub ? "cub" : "kernel";
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n;
    const auto [api, impl] = api_and_impl(ctx);
    ctx.require_memory(2.0 * 8 * static_cast<double>(n), "n");
    const unsigned device = device_index(ctx, api);
    auto gpu = ctx.setup([&] {
        return api == "cuda" ? open_dot_cuda(device, n, impl) : open_dot_opencl(device, n);
    });
    std::vector<std::uint64_t> x(n);
    std::iota(x.begin(), x.end(), std::uint64_t{0});
    ctx.say("host", fmt::format("{} device {}: {}", api, device, gpu->name));
    ctx.say("host", fmt::format("dot of arange({}) with itself by {}", n, impl_name(impl)));

    std::uint64_t sum = 0;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(x.data(), x.data(), sum)); });

    // (n-1) n (2n-1) / 6 exactly, then modulo 2^64: divide the factors by 2 and 3 first.
    std::uint64_t f[3] = {n ? n - 1 : 0, n, n ? 2 * n - 1 : 0};
    for (std::uint64_t d : {2, 3})
        for (std::uint64_t& v : f)
            if (v % d == 0) {
                v /= d;
                break;
            }
    const std::uint64_t expected = f[0] * f[1] * f[2];
    ctx.say("host", fmt::format("dot = {}", sum));
    ctx.check("result == (n-1) n (2n-1) / 6 (mod 2^64)", sum == expected,
              fmt::format("got {}, expected {}", sum, expected));
    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    ctx.field("impl", impl_name(impl));
    ctx.field("result", sum);
    record_passes(ctx, log.medians(ctx), {.bytes = 16.0 * static_cast<double>(n)}, gpu->copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_dot{
    .group = "gpu",
    .name = "dot",
    .summary = "map-reduce dot product of arange(n) with itself (CUDA: Thrust, CUB or a kernel; "
               "OpenCL: a kernel)",
    .book = "The MapReduce operation with PyCUDA [book ch.6]",
    .options = {choice_option("impl", "auto", {"auto", "thrust", "cub", "kernel"},
                              "the reduction (auto: cub on CUDA, kernel on OpenCL)")},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing,
    .defaults = {{"n", "400"}},
    .tour_args = {"--n", "1e6"},
    .min_n = 1,
};

} // namespace parcook
