// gpu/gufunc-matmul: "GPU programming with NumbaPro" [book ch.6], its @guvectorize matrix
// multiply with the signature (m,n),(n,p)->(m,p). Shows: a kernel defined by a signature over
// sub-arrays and applied over a leading batch dimension. The contract is one function of three
// (dim x dim) int64 blocks; --target gpu runs it as a CUDA kernel with one thread per output
// element of the whole batch (support/gufunc-matmul-cuda.cu), --target cpu as the plain triple
// loop over the batch (the book's decorator names no target, so its example really ran there).
// Inputs: int64 entries in [0, 10) from the shared generator (as randint(10)).
// Verify: exact int64 equality with the CPU triple loop for every element; --target cpu checks
// itself against the same loop run a second way (i-k-j order). --target cpu needs no GPU.
#include "gpu/support/gufunc-matmul.hpp"
#include "parcook/context.hpp"
#include "parcook/generator.hpp"

#include <fmt/format.h>

namespace parcook::gpu {
namespace {

using Batch = std::vector<std::int64_t>;

// The core signature on the CPU, over every block of the batch (i-j-k, NumbaPro's loop).
void cpu_matmul(const Batch& a, const Batch& b, Batch& c, unsigned dim) {
    const std::size_t per = std::size_t{dim} * dim;
    for (std::size_t k = 0; k < a.size() / per; ++k)
        for (unsigned i = 0; i < dim; ++i)
            for (unsigned j = 0; j < dim; ++j) {
                std::int64_t sum = 0;
                for (unsigned l = 0; l < dim; ++l)
                    sum += a[k * per + i * dim + l] * b[k * per + l * dim + j];
                c[k * per + i * dim + j] = sum;
            }
}

// The same product in i-l-j order: another loop, the same exact integers.
Batch cpu_matmul_ilj(const Batch& a, const Batch& b, unsigned dim) {
    const std::size_t per = std::size_t{dim} * dim;
    Batch c(a.size(), 0);
    for (std::size_t k = 0; k < a.size() / per; ++k)
        for (unsigned i = 0; i < dim; ++i)
            for (unsigned l = 0; l < dim; ++l)
                for (unsigned j = 0; j < dim; ++j)
                    c[k * per + i * dim + j] += a[k * per + i * dim + l] * b[k * per + l * dim + j];
    return c;
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const auto dim = static_cast<unsigned>(ctx.count("dim"));
    const auto batch = static_cast<unsigned>(ctx.count("batch"));
    const bool gpu_target = ctx.text("target") == "gpu";
    const std::uint64_t seed = ctx.common().seed;
    const std::size_t count = std::size_t{dim} * dim * batch;
    ctx.require_memory(5.0 * 8 * static_cast<double>(count), "dim");
    Batch a(count), b(count), c(count, -1);
    ctx.setup([&] {
        for (std::size_t i = 0; i < count; ++i) {
            a[i] = static_cast<std::int64_t>(draw_below(seed, 2 * i, 10));
            b[i] = static_cast<std::int64_t>(draw_below(seed, 2 * i + 1, 10));
        }
    });

    std::unique_ptr<GufuncDevice> gpu;
    if (gpu_target)
        gpu = ctx.setup([&] { return open_gufunc_matmul(device_index(ctx, "cuda"), dim, batch); });
    ctx.say("host", fmt::format("matmul (m,n),(n,p)->(m,p) over {} blocks of {} x {} int64 on "
                                "the {}",
                                batch, dim, dim, gpu_target ? gpu->name : "CPU"));
    PassLog log;
    ctx.measure_own([&] {
        if (gpu)
            return log.keep(gpu->pass(a.data(), b.data(), c.data()));
        Stopwatch sw;
        cpu_matmul(a, b, c, dim);
        const double s = sw.seconds();
        return log.keep({s, 0, s});
    });

    const Batch expected = gpu_target ? [&] {
        Batch r(count);
        cpu_matmul(a, b, r, dim);
        return r;
    }()
                                      : cpu_matmul_ilj(a, b, dim);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < count; ++i)
        wrong += c[i] != expected[i];
    ctx.check(gpu_target ? "C == the CPU triple loop, exactly" : "C == the i-l-j loop, exactly",
              wrong == 0, fmt::format("{} of {} elements differ", wrong, count));
    if (dim <= 10 && batch == 1)
        for (unsigned i = 0; i < dim; ++i)
            ctx.say("C", fmt::format(
                             "{}", fmt::join(c.begin() + i * dim, c.begin() + (i + 1) * dim, " ")));

    std::int64_t checksum = 0;
    for (std::int64_t v : c)
        checksum += v;
    ctx.param("target", gpu_target ? "gpu" : "cpu");
    ctx.field("dim", dim);
    ctx.field("batch", batch);
    ctx.field("checksum", checksum);
    const double per = static_cast<double>(dim) * dim;
    record_passes(ctx, log.medians(ctx),
                  {.bytes = 3 * per * batch * 8, .flops = 2 * per * dim * batch},
                  gpu ? std::optional<double>(gpu->copy_gbs) : std::nullopt);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_gufunc_matmul{
    .group = "gpu",
    .name = "gufunc-matmul",
    .summary = "a generalized ufunc (m,n),(n,p)->(m,p) over a batch of int64 matrices, GPU or CPU",
    .book = "GPU programming with NumbaPro (guvectorize) [book ch.6]",
    .options = {count_option("dim", "10", "rows = columns of each matrix", 4096, 1),
                count_option("batch", "1", "matrices in the batch", 100'000'000, 1),
                choice_option("target", "gpu", {"gpu", "cpu"}, "where the contract runs")},
    .run = gpu::run,
    .uses = Uses::timing | Uses::seed,
    .tour_args = {"--batch", "3"},
};

} // namespace parcook
