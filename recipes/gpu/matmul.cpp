// gpu/matmul: "Understanding the PyCUDA memory model with matrix manipulation" [book ch.6].
// Shows: one thread per output element, and what the memory hierarchy is for. The naive kernel
// reads every operand from global memory; the tiled kernel stages 16 x 16 tiles of A and B in
// shared memory between two __syncthreads(), so each global value is read n/16 times less often
// (support/matmul-cuda.cu). Inputs are randn float32 (--seed), a pass copies A and B in, runs the
// --kernel and copies C out; the other kernel runs once for the agreement check.
// Verify: both kernels match a CPU reference in double, max |delta| <= 1e-6 * n * max|C_ref|
// (every entry up to 512 x 512, else 1024 sampled entries), and agree with each other to the same
// bound. (bench) At n = 2048 tiled is faster than naive.
// Deviations from the book: any n (the book's single block stops at 32), shared memory used (the
// book's kernel, in a recipe about it, uses none).
#include "gpu/support/matmul.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <random>

namespace parcook::gpu {
namespace {

// max |x - ref| over the checked entries, and the bound 1e-6 * n * max|ref|.
struct Agreement {
    double worst = 0, bound = 0;
};
Agreement against_reference(const std::vector<float>& a, const std::vector<float>& b,
                            const std::vector<float>& c, unsigned n, std::uint64_t seed) {
    Agreement r;
    double largest = 0;
    for (const auto& [i, j] : entries_to_check(n, n, seed)) {
        double ref = 0;
        for (unsigned k = 0; k < n; ++k)
            ref += double{a[std::size_t{i} * n + k]} * b[std::size_t{k} * n + j];
        const double got = c[std::size_t{i} * n + j];
        r.worst = std::isnan(got) ? INFINITY : std::max(r.worst, std::abs(got - ref));
        largest = std::max(largest, std::abs(ref));
    }
    r.bound = 1e-6 * n * largest;
    return r;
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const auto n = static_cast<unsigned>(ctx.common().n);
    const std::uint64_t seed = ctx.common().seed;
    const bool tiled = ctx.text("kernel") == "tiled";
    ctx.require_memory(4.0 * 4 * double(ctx.common().n) * double(ctx.common().n), "n");
    auto gpu = ctx.setup([&] { return open_matmul(device_index(ctx, "cuda"), n); });
    const std::size_t count = std::size_t{n} * n;
    std::vector<float> a(count), b(count), c(count), other(count);
    ctx.setup([&] {
        std::mt19937_64 rng(seed);
        std::normal_distribution<float> randn;
        std::generate(a.begin(), a.end(), [&] { return randn(rng); });
        std::generate(b.begin(), b.end(), [&] { return randn(rng); });
    });
    ctx.say("host", fmt::format("{}: {} x {} float32, --kernel {}", gpu->name, n, n,
                                tiled ? "tiled" : "naive"));

    const MatmulKernel timed = tiled ? MatmulKernel::tiled : MatmulKernel::naive;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(timed, a.data(), b.data(), c.data())); });
    gpu->pass(tiled ? MatmulKernel::naive : MatmulKernel::tiled, a.data(), b.data(), other.data());

    const Agreement mine = against_reference(a, b, c, n, seed);
    const Agreement theirs = against_reference(a, b, other, n, seed);
    ctx.check("timed kernel: max |C - C_ref| <= 1e-6 n max|C_ref|", mine.worst <= mine.bound,
              fmt::format("{:.3g} (bound {:.3g})", mine.worst, mine.bound));
    ctx.check("other kernel: max |C - C_ref| <= 1e-6 n max|C_ref|", theirs.worst <= theirs.bound,
              fmt::format("{:.3g} (bound {:.3g})", theirs.worst, theirs.bound));
    double apart = 0;
    for (std::size_t i = 0; i < count; ++i)
        apart = std::max(apart, std::abs(double{c[i]} - other[i]));
    ctx.check("naive and tiled agree to the same bound", apart <= mine.bound,
              fmt::format("max |naive - tiled| {:.3g}", apart));
    if (n <= 8)
        for (unsigned i = 0; i < n; ++i)
            ctx.say("C", fmt::format("{:.4f}",
                                     fmt::join(c.begin() + i * n, c.begin() + (i + 1) * n, " ")));

    ctx.param("device", gpu->name.c_str());
    ctx.field("n", n);
    ctx.field("kernel", tiled ? "tiled" : "naive");
    const double nn = static_cast<double>(n) * n;
    record_passes(ctx, log.medians(ctx), {.bytes = 3 * nn * 4, .flops = 2 * nn * n}, gpu->copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_matmul{
    .group = "gpu",
    .name = "matmul",
    .summary = "C = A B in float32: naive and shared-memory tiled kernels, GFLOP/s",
    .book = "Understanding the PyCUDA memory model with matrix manipulation [book ch.6]",
    .options = {choice_option("kernel", "tiled", {"naive", "tiled"}, "the kernel timed")},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing | Uses::seed,
    .defaults = {{"n", "5"}},
    .tour_args = {"--n", "64"},
    .bytes_per_n = 0,
    .min_n = 1,
};

} // namespace parcook
