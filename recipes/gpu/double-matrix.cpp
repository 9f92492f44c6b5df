// gpu/double-matrix: "How to build a PyCUDA application" [book ch.6, article]. Shows: the basic
// host-device workflow in its five steps: allocate on the device (at opening), copy the input in,
// configure and launch the kernel, copy the result out, free (RAII). The kernel doubles each
// element of an n x n randn float32 matrix with idx = row * width + col over a 2-D grid of 16 x 16
// blocks and a bounds check (support/double-matrix-cuda.cu). --book-bug runs the book's kernel
// instead: a 5 x 5 block indexing with a row stride of 4, so threads collide on element 4 and
// elements 21..24 are never doubled. --jit compiles both kernels from the source string below at
// run time with NVRTC (PyCUDA's SourceModule; support/nvrtc.hpp) instead of nvcc's build.
// Verify: output == 2 x input exactly for every element (n = 5 and n = 1000 in the tests); with
// --book-bug (n = 5 only): elements 21..24 unchanged, which shows the bug.
#include "gpu/support/double-matrix.hpp"
#include "gpu/support/nvrtc.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <random>

namespace parcook::gpu {
namespace {

// The SourceModule of --jit: the two kernels of support/double-matrix-cuda.cu as source.
constexpr const char* kernel_source = R"(
extern "C" __global__ void double_matrix(float* a, unsigned n) {
    const unsigned col = blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row < n && col < n)
        a[(unsigned long long)row * n + col] *= 2;
}
extern "C" __global__ void double_matrix_book(float* a) {
    int idx = threadIdx.x + threadIdx.y * 4;
    a[idx] *= 2;
}
)";

void print(Context& ctx, const char* title, const std::vector<float>& m, unsigned n) {
    if (n > 8)
        return;
    ctx.say("host", title);
    for (unsigned i = 0; i < n; ++i)
        ctx.say("host",
                fmt::format("{:9.5f}", fmt::join(m.begin() + i * n, m.begin() + (i + 1) * n, " ")));
}

void run(Context& ctx) {
    require_cuda_api(ctx);
    const double elements =
        static_cast<double>(ctx.common().n) * static_cast<double>(ctx.common().n);
    ctx.require_memory(2.0 * 4 * elements, "n");
    const auto n = static_cast<unsigned>(ctx.common().n);
    const bool book_bug = ctx.flag("book-bug");
    if (book_bug && n != 5)
        throw UsageError("--book-bug: the book's kernel indexes a 5 x 5 block: use --n 5");
    const bool jit = ctx.flag("jit");
    const CompiledSource compiled =
        jit ? ctx.setup([&] { return compile_source(kernel_source, "--jit"); }) : CompiledSource{};
    auto gpu = ctx.setup(
        [&] { return open_double_matrix(device_index(ctx, "cuda"), n, book_bug, compiled.ptx); });
    std::vector<float> in(std::size_t{n} * n), out(in.size());
    std::mt19937_64 rng(ctx.common().seed);
    std::normal_distribution<float> randn;
    std::generate(in.begin(), in.end(), [&] { return randn(rng); });
    print(ctx, "ORIGINAL MATRIX", in, n);

    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(in.data(), out.data())); });
    print(ctx, "DOUBLED MATRIX AFTER PyCUDA EXECUTION", out, n);

    std::size_t doubled = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
        doubled += out[i] == 2 * in[i];
    if (book_bug) {
        const bool untouched = std::equal(out.begin() + 21, out.end(), in.begin() + 21);
        ctx.check("book bug shown: elements 21..24 unchanged", untouched,
                  fmt::format("{} of 25 elements doubled", doubled));
    } else {
        ctx.check("output == 2 x input for every element", doubled == in.size(),
                  fmt::format("{} of {} doubled", doubled, in.size()));
    }
    ctx.param("device", gpu->name.c_str());
    ctx.field("n", n);
    ctx.field("doubled", doubled);
    ctx.field("kernel", jit ? "nvrtc" : "precompiled");
    if (jit) {
        ctx.metric("compile_seconds", compiled.compile_seconds, "s");
        ctx.metric("load_seconds", gpu->load_seconds, "s");
    }
    record_passes(ctx, log.medians(ctx), {.bytes = 8.0 * static_cast<double>(n) * n},
                  gpu->copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_double_matrix{
    .group = "gpu",
    .name = "double-matrix",
    .summary = "the five steps of a CUDA host program, doubling an n x n matrix",
    .book = "How to build a PyCUDA application [book ch.6, article]",
    .options = {flag_option("book-bug", "run the book's stride-4 kernel on a 5 x 5 block"),
                flag_option("jit", "compile the kernels at run time with NVRTC (SourceModule)")},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing | Uses::seed,
    .defaults = {{"n", "5"}},
    .tour_args = {"--n", "1000"},
    .min_n = 1,
};

} // namespace parcook
