// gpu/cublas-gemm: "Using GPU-accelerated libraries with NumbaPro" [book ch.6]. Shows: calling a
// vendor library instead of writing kernels. GEMM computes D = alpha op(A) op(B) + beta D; cuBLAS
// is column-major and our matrices are row-major, so the product is asked for either by swapping
// the operands (C^T = B^T A^T, nothing transposed: the default) or, as the book does, with op = T
// on both (the result then comes back column-major). A and B are uniform [0, 1) from --seed;
// warm-up passes keep handle creation and first-call costs out of the event timing, which covers
// the GEMM alone (transfers reported apart). --lib cufft: a double-complex FFT forward and back,
// divided by N; --lib curand: 10^6 uniforms from cuRAND's default generator.
// Verify: max |D - A B| <= 1e-12 dim (f64; f32: 1e-6 dim max|AB|) against a CPU loop (every entry
// up to 512 x 512, else 1024 sampled); both layouts give the same D to that bound; cufft round
// trip within 1e-12; curand mean within 0.5 +- 0.005. (bench) at dim 2048 GEMM beats the CPU.
// Deviations from the book: no timing claim at dim 10 (the book's comparison times NumPy's first
// call against a GEMM without transfers).
#include "gpu/support/cublas-gemm.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <random>

namespace parcook::gpu {
namespace {

// max |D - AB| over the checked entries (d row-major unless column_major).
template <class T>
double worst_error(const std::vector<T>& a, const std::vector<T>& b, const std::vector<T>& d,
                   unsigned n, bool column_major, std::uint64_t seed, double& largest) {
    double worst = 0;
    for (const auto& [i, j] : entries_to_check(n, n, seed)) {
        double ref = 0;
        for (unsigned k = 0; k < n; ++k)
            ref += double{a[std::size_t{i} * n + k]} * b[std::size_t{k} * n + j];
        const double got = column_major ? d[std::size_t{j} * n + i] : d[std::size_t{i} * n + j];
        worst = std::isnan(got) ? INFINITY : std::max(worst, std::abs(got - ref));
        largest = std::max(largest, std::abs(ref));
    }
    return worst;
}

template <class T>
void run_gemm(Context& ctx, std::unique_ptr<GemmDevice<T>> gpu, unsigned dim) {
    const std::uint64_t seed = ctx.common().seed;
    const std::size_t count = std::size_t{dim} * dim;
    std::vector<T> a(count), b(count), d(count), other(count);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<T> rand01;
    std::generate(a.begin(), a.end(), [&] { return rand01(rng); });
    std::generate(b.begin(), b.end(), [&] { return rand01(rng); });
    ctx.say("host",
            fmt::format("{}: {}gemm of {} x {}", gpu->name, sizeof(T) == 8 ? "D" : "S", dim, dim));

    PassLog log;
    ctx.measure_own(
        [&] { return log.keep(gpu->pass(GemmLayout::swapped, a.data(), b.data(), d.data())); });
    gpu->pass(GemmLayout::transposed, a.data(), b.data(), other.data());

    double largest = 0;
    const double swapped = worst_error(a, b, d, dim, false, seed, largest);
    const double transposed = worst_error(a, b, other, dim, true, seed, largest);
    const double bound = sizeof(T) == 8 ? 1e-12 * dim : 1e-6 * dim * largest;
    ctx.check("swapped operands: max |D - AB| <= bound", swapped <= bound,
              fmt::format("{:.3g} (bound {:.3g})", swapped, bound));
    ctx.check("op T on both (the book's call): max |D - AB| <= bound", transposed <= bound,
              fmt::format("{:.3g} (bound {:.3g})", transposed, bound));
    ctx.say("host", fmt::format("Maximum error {:.6f}", std::max(swapped, transposed)));
    ctx.param("device", gpu->name.c_str());
    const double nn = static_cast<double>(dim) * dim;
    record_passes(ctx, log.medians(ctx), {.bytes = 3 * nn * sizeof(T), .flops = 2 * nn * dim},
                  gpu->copy_gbs);
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const auto device = device_index(ctx, "cuda");
    const auto dim = static_cast<unsigned>(ctx.count("dim"));
    const std::string& lib = ctx.text("lib");
    ctx.field("lib", lib.c_str());
    ctx.field("dim", dim);
    if (lib == "cufft") {
        std::vector<std::complex<double>> x(std::size_t{dim} * dim);
        std::mt19937_64 rng(ctx.common().seed);
        std::uniform_real_distribution<double> rand01;
        for (auto& v : x)
            v = {rand01(rng), rand01(rng)};
        const auto original = x;
        PassLog log;
        ctx.measure_own([&] {
            x = original;
            return log.keep(fft_round_trip(device, x));
        });
        double worst = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            worst = std::max(worst, std::abs(x[i] - original[i]));
        ctx.check("inverse(forward(x)) / N == x within 1e-12", worst <= 1e-12,
                  fmt::format("max |delta| {:.3g} over {} points", worst, x.size()));
        record_passes(ctx, log.medians(ctx), {.bytes = 4.0 * 16 * x.size()}, std::nullopt);
        return;
    }
    if (lib == "curand") {
        std::vector<double> u(1'000'000);
        PassLog log;
        ctx.measure_own([&] { return log.keep(uniforms(device, ctx.common().seed, u)); });
        const double mean =
            std::accumulate(u.begin(), u.end(), 0.0) / static_cast<double>(u.size());
        const bool in_range =
            std::all_of(u.begin(), u.end(), [](double v) { return v > 0 && v <= 1; });
        ctx.check("every uniform in (0, 1]", in_range);
        ctx.check("mean within 0.5 +- 0.005", std::abs(mean - 0.5) <= 0.005,
                  fmt::format("mean {:.6f}", mean));
        record_passes(ctx, log.medians(ctx), {.bytes = 8.0 * u.size()}, std::nullopt);
        return;
    }
    ctx.require_memory(4.0 * 8 * static_cast<double>(dim) * dim, "dim");
    if (ctx.text("type") == "f64")
        run_gemm(ctx, ctx.setup([&] { return open_dgemm(device, dim); }), dim);
    else
        run_gemm(ctx, ctx.setup([&] { return open_sgemm(device, dim); }), dim);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_cublas_gemm{
    .group = "gpu",
    .name = "cublas-gemm",
    .summary = "cuBLAS GEMM on row-major matrices (both layouts); cuFFT and cuRAND with --lib",
    .book = "Using GPU-accelerated libraries with NumbaPro [book ch.6]",
    .options = {count_option("dim", "10", "rows = columns of A and B (cufft: sqrt of the length)",
                             16384, 1),
                choice_option("lib", "cublas", {"cublas", "cufft", "curand"}, "the library"),
                choice_option("type", "f64", {"f64", "f32"}, "DGEMM or SGEMM")},
    .run = gpu::run,
    .uses = Uses::timing | Uses::seed,
    .tour_args = {"--dim", "64"},
};

} // namespace parcook
