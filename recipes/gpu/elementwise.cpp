// gpu/elementwise: "Evaluating element-wise expressions with PyCUDA" [book ch.6], PyCUDA's
// ElementwiseKernel("float a, float *x, float b, float *y, float *c", "c[i] = a*x[i] + b*y[i]").
// Shows: a whole expression evaluated in one GPU pass, and a kernel built at run time from a
// string. Without --expr the precompiled kernel of the book's a*x + b*y runs; with --expr (or
// --jit for the book's expression) NVRTC compiles the kernel from the expression during set-up:
// its compile time and load time are reported apart from the kernel's, and the compiled kernel is
// cached per expression for the process (every later pass asks the cache; it must answer). The
// expression is checked before it reaches the compiler (a, b, x, y, numbers, + - * /, parentheses
// and a few math functions: never ; { } or anything that leaves the kernel body); a compiler
// error is exit 2 with the compiler's message. Inputs: cuRAND uniforms in (0, 1] (--seed).
// Verify: against the expression evaluated in double on the CPU from the copied-back inputs:
// ||C - ref||_2 < 1e-5 for n <= 1000 (the book's assert) and ||C - ref||_2 <= 1e-6 ||ref||_2
// (FMA contraction may differ by an ulp, so no exact zero); every element up to 10^7, else a
// stride sample of 10^7. Support: support/elementwise{.cpp,-cuda.cu}.
#include "gpu/support/elementwise.hpp"
#include "parcook/context.hpp"

#include <cmath>
#include <fmt/format.h>

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    require_cuda_api(ctx);
    const std::uint64_t n = ctx.common().n;
    const auto a = static_cast<float>(ctx.real("a")), b = static_cast<float>(ctx.real("b"));
    const bool jit = ctx.given("expr") || ctx.flag("jit");
    const std::string expr = jit ? ctx.text("expr") : "";
    const std::string shown = ctx.text("expr");
    check_expression(shown); // before anything compiles it
    Compiled compiled;
    if (jit) {
        try {
            compiled = ctx.setup([&] { return compile_elementwise(expr); }); // NVRTC, no GPU
        } catch (const CannotRun&) {
            const FloatExpression syntax(
                shown); // without NVRTC, still refuse a malformed one (exit 2)
            throw;
        }
    }
    const FloatExpression reference(shown); // the CPU's reading of it
    ctx.require_memory(3.0 * 4 * static_cast<double>(n), "n");
    auto gpu = ctx.setup([&] {
        return open_elementwise(device_index(ctx, "cuda"), n, ctx.common().seed, a, b, expr);
    });
    ctx.say("host", fmt::format("{}: c[i] = {} over {} floats, a = {}, b = {}, {} kernel",
                                gpu->name, shown, n, a, b, jit ? "NVRTC" : "precompiled"));

    std::vector<float> c;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(c)); });

    const std::uint64_t step = std::max<std::uint64_t>(1, n / 10'000'000);
    double diff2 = 0, ref2 = 0;
    std::uint64_t checked = 0;
    for (std::uint64_t i = 0; i < n; i += step, ++checked) {
        const double want = reference(a, b, gpu->x[i], gpu->y[i]);
        const double got = c[i];
        if (std::isnan(want) && std::isnan(got))
            continue; // the same NaN on both sides
        diff2 += (got - want) * (got - want);
        ref2 += want * want;
    }
    const double diff = std::sqrt(diff2), norm = std::sqrt(ref2);
    if (n <= 1000)
        ctx.check("||C - ref||_2 < 1e-5", diff < 1e-5, fmt::format("{:.3g}", diff));
    ctx.check("||C - ref||_2 <= 1e-6 ||ref||_2", !std::isnan(diff) && diff <= 1e-6 * norm,
              fmt::format("{:.3g} vs {:.3g}, {} elements checked", diff, 1e-6 * norm, checked));
    if (jit) {
        const std::uint64_t passes = ctx.common().warmup + ctx.common().repeat;
        ctx.check("compiled once, then answered by the cache in every pass",
                  gpu->cache_hits == passes,
                  fmt::format("{} of {} passes", gpu->cache_hits, passes));
        ctx.metric("compile_seconds", compiled.compile_seconds, "s");
        ctx.metric("load_seconds", gpu->load_seconds, "s");
    }
    if (n <= 16) {
        ctx.say("A", fmt::format("{:.4f}", fmt::join(gpu->x, " ")));
        ctx.say("B", fmt::format("{:.4f}", fmt::join(gpu->y, " ")));
        ctx.say("C", fmt::format("{:.4f}", fmt::join(c, " ")));
    }
    ctx.param("device", gpu->name.c_str());
    ctx.field("expr", shown.c_str());
    ctx.field("kernel", jit ? "nvrtc" : "precompiled");
    record_passes(ctx, log.medians(ctx), {.bytes = 12.0 * static_cast<double>(n)}, gpu->copy_gbs);
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_elementwise{
    .group = "gpu",
    .name = "elementwise",
    .summary = "an element-wise expression in one GPU pass; --expr builds the kernel with NVRTC",
    .book = "Evaluating element-wise expressions with PyCUDA [book ch.6]",
    .options = {text_option("expr", "a*x + b*y",
                            "the expression of c[i], over a, b, x = x[i], y = y[i] (compiled at "
                            "run time with NVRTC)"),
                flag_option("jit", "compile the default expression with NVRTC too"),
                real_option("a", "2", "the scalar a"), real_option("b", "5", "the scalar b")},
    .run = gpu::run,
    .uses = Uses::n | Uses::timing | Uses::seed,
    .defaults = {{"n", "50"}},
    .tour_args = {"--n", "1e6", "--jit"},
    .min_n = 1,
};

} // namespace parcook
