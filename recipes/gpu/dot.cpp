// gpu/dot: "The MapReduce operation with PyCUDA" [book ch.6], PyCUDA's ReductionKernel with
// map_expr "x[i]*y[i]", reduce_expr "a+b", neutral 0. Shows: map-reduce on the GPU, an
// element-wise map fused with a tree reduction, the result a device scalar until copied out.
// --impl thrust (thrust::inner_product), cub (cub::DeviceReduce::Sum over a transform iterator,
// the fused map) or kernel (a two-stage shared-memory reduction written out, for teaching);
// support/dot-cuda.cu. Both inputs are arange(n) as uint64, copied in every pass; the sum
// accumulates in uint64 (exact for n <= 3e6, else modulo 2^64 like every group's sum-squares).
// Verify: result == (n-1) n (2n-1) / 6 modulo 2^64 (400 -> 21253400).
// Deviations from the book: 64-bit integers on both sides (its kernel reads NumPy's int64 as
// int, and 32-bit sums overflow past n = 1860); the book's text says 500 elements, its code 400.
#include "gpu/support/dot.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <numeric>

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    require_cuda_api(ctx);
    const std::uint64_t n = ctx.common().n;
    const std::string& impl_name = ctx.text("impl");
    const DotImpl impl = impl_name == "thrust" ? DotImpl::thrust
                         : impl_name == "cub"  ? DotImpl::cub
                                               : DotImpl::kernel;
    ctx.require_memory(2.0 * 8 * static_cast<double>(n), "n");
    auto gpu = ctx.setup([&] { return open_dot(static_cast<unsigned>(ctx.integer("device")), n); });
    std::vector<std::uint64_t> x(n);
    std::iota(x.begin(), x.end(), std::uint64_t{0});
    ctx.say("host",
            fmt::format("{}: dot of arange({}) with itself by {}", gpu->name, n, impl_name));

    std::uint64_t sum = 0;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(impl, x.data(), x.data(), sum)); });

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
    ctx.param("device", gpu->name.c_str());
    ctx.field("impl", impl_name.c_str());
    ctx.field("result", sum);
    record_passes(ctx, log.medians(ctx), {.bytes = 16.0 * static_cast<double>(n)}, gpu->copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_dot{
    .group = "gpu",
    .name = "dot",
    .summary = "map-reduce dot product of arange(n) with itself (Thrust, CUB or a kernel)",
    .book = "The MapReduce operation with PyCUDA [book ch.6]",
    .options = {choice_option("impl", "cub", {"thrust", "cub", "kernel"}, "the reduction")},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing,
    .defaults = {{"n", "400"}},
    .tour_args = {"--n", "1e6", "--impl", "kernel"},
    .min_n = 1,
};

} // namespace parcook
