// gpu/cl-elementwise: "Evaluating element-wise expressions with PyOpenCL" [book ch.6].
// Shows: a kernel generated at run time from an argument list and an expression. The
// ElementwiseKernel helper (support/cl-elementwise-opencl.cpp) wraps the book's arguments
// "int *a, int *b, int *c" and the statement into a kernel with a bounds guard, builds it once
// and caches it for the process. The recipe runs --expr (default: the book's c[i] = a[i] + b[i])
// and a second expression, c[i] = 2*a[i] - b[i], through the same helper; the timed passes run
// --expr again, served by the cache.
// Verify: every c[i] equals the expression evaluated on the CPU (support/expression.hpp), for
// both expressions; one build per distinct expression, none for the cached runs. --expr is
// checked before anything runs: a ';' or a brace that would escape the kernel body, an unknown
// name, a syntax error, or a division by zero or int overflow on these inputs is exit 2 with one
// line naming the problem.
// Deviations: --device N instead of create_some_context()'s prompt; int32 host data (the book
// feeds NumPy's int64 to int kernels); inputs from the shared generator, in [0, 100) as the
// book's randint(100).
#include "gpu/support/cl-elementwise.hpp"
#include "gpu/support/api.hpp"
#include "gpu/support/expression.hpp"
#include "gpu/support/show.hpp"
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace parcook::gpu {
namespace {

using Vector = std::vector<std::int32_t>;

// The CPU reference; throws UsageError for a division by zero or an overflow on these inputs.
Vector evaluate(const Expression& e, const Vector& a, const Vector& b) {
    Vector c(a.size());
    for (std::size_t i = 0; i < c.size(); ++i)
        c[i] = e(a[i], b[i], static_cast<std::int64_t>(i));
    return c;
}

// "all n elements equal", or where the first difference is.
std::string compare(const Vector& got, const Vector& want) {
    const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin());
    if (g == got.end())
        return fmt::format("all {} elements equal", got.size());
    return fmt::format("c[{}] = {}, the CPU says {}", g - got.begin(), *g, *w);
}

void run(Context& ctx) {
    require_opencl_api(ctx);
    const std::uint64_t n = ctx.common().n;
    if (n > INT_MAX)
        throw UsageError("--n: at most 2147483647 (the kernel counts with int, as the book's)");
    const Expression expr(ctx.text("expr")), second("c[i] = 2*a[i] - b[i]");
    Vector a(n), b(n), c(n);
    workload::vector_fill(ctx.common().seed, a.data(), b.data(), 0, n);
    const Vector want = evaluate(expr, a, b), want_second = evaluate(second, a, b);

    const unsigned index = device_index(ctx, "opencl");
    const auto device = ctx.setup([&] { return open_opencl_elementwise(index, a, b); });
    const std::uint64_t builds_before = elementwise_builds();
    const ElementwiseRun first = device->run(expr.statement(), c); // a compile error: exit 2
    ctx.say("host", fmt::format("device {}: {}", index, device->name));
    ctx.say("host", "kernel: " + expr.statement());
    ctx.say("host", "A = " + first_elements<std::int32_t>(a));
    ctx.say("host", "B = " + first_elements<std::int32_t>(b));
    ctx.say("host", "C = " + first_elements<std::int32_t>(c));
    ctx.check("every c[i] matches the CPU for " + expr.statement(), c == want, compare(c, want));

    const ElementwiseRun other = device->run(second.statement(), c);
    ctx.say("host", "kernel: " + second.statement());
    ctx.say("host", "C = " + first_elements<std::int32_t>(c));
    ctx.check("every c[i] matches the CPU for " + second.statement() + " (a second expression)",
              c == want_second, compare(c, want_second));

    double cached_build = 0;
    ctx.measure_own([&] {
        const ElementwiseRun r = device->run(expr.statement(), c);
        cached_build += r.build_seconds;
        return r.kernel_seconds;
    });
    ctx.check("every c[i] matches the CPU again, from the cached kernel", c == want,
              compare(c, want));
    const std::uint64_t distinct = expr.statement() == second.statement() ? 1 : 2;
    const std::uint64_t builds = elementwise_builds() - builds_before;
    ctx.check("one build per distinct expression, none for the cached runs",
              builds == distinct && cached_build == 0,
              fmt::format("{} build(s) for {} expression(s); cached runs spent {} s building",
                          builds, distinct, cached_build));

    ctx.param("expr", boost::json::string(expr.statement()));
    ctx.param("device", boost::json::string(device->name));
    ctx.field("n", n);
    ctx.field("work_items", device->threads);
    ctx.field("builds", builds);
    ctx.metric("build_seconds", first.build_seconds + other.build_seconds, "s");
    ctx.metric("kernel_seconds", ctx.result().timing->median, "s");
    ctx.headline("kernel_seconds");
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_cl_elementwise{
    .group = "gpu",
    .name = "cl-elementwise",
    .summary = "an OpenCL kernel built at run time from an expression (ElementwiseKernel)",
    .book = "Evaluating element-wise expressions with PyOpenCL [book ch.6]",
    .options = {text_option("expr", "c[i] = a[i] + b[i]",
                            "the statement, over a[i], b[i], i, integers, + - * / % and ()")},
    .run = gpu::run,
    .uses = Uses::n | Uses::seed | Uses::timing,
    .defaults = {{"n", "100"}, {"api", "opencl"}},
    .bytes_per_n = 32, // a, b, c and two references on the host; a, b, c on PoCL
    .min_n = 1,
};

} // namespace parcook
