// gpu/cl-elementwise: the kernels built from expressions compute what the CPU computes, each
// distinct expression is built once per process, and the expression cannot escape the kernel
// body. The ElementwiseKernel helper and the expression evaluator are also called directly.
#include "gpu/support/cl-elementwise.hpp"
#include "gpu/support/expression.hpp"
#include "parcook/errors.hpp"
#include "parcook/host.hpp"
#include "parcook/workloads.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <vector>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

std::string trace_line(const boost::json::object& record, const std::string& start) {
    for (const std::string& line : trace_texts(record))
        if (line.starts_with(start))
            return line;
    return "";
}

} // namespace

TEST_CASE("gpu/cl-elementwise: the book's c = a + b, exactly, and a second expression") {
    if (!have_opencl()) {
        const Run r = parcook({"gpu", "cl-elementwise"});
        CHECK(r.code == 77);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Contains("built without OpenCL"));
        return;
    }
    const auto r = record_of({"gpu", "cl-elementwise", "--seed", "7"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "n").to_number<int>() == 100);
    CHECK(field(r, "builds").to_number<int>() == 2);
    CHECK(metric(r, "build_seconds") > 0);
    // the printed C is a + b of the shared generator's inputs
    std::vector<int> sums;
    for (std::uint64_t i = 0; i < 16; ++i)
        sums.push_back(workload::vector_a(7, i) + workload::vector_b(7, i));
    CHECK(trace_line(r, "C = ") == fmt::format("C = [{}, ...]", fmt::join(sums, ", ")));
}

TEST_CASE("gpu/cl-elementwise: any int expression over a[i], b[i] and i matches the CPU") {
    if (!have_opencl())
        return;
    // 1000003 is no multiple of the work-group size: the guard drops the extra work-items
    const auto r = record_of({"gpu", "cl-elementwise", "--n", "1000003", "--expr",
                              "c[i] = (a[i] - b[i]) * (i % 7) / 3 + -a[i] % 5"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "work_items").to_number<std::uint64_t>() >= 1000003);
    // an expression alone means c[i] = expression; the second expression again: one build
    const auto same = record_of({"gpu", "cl-elementwise", "--expr", "2*a[i] - b[i]"});
    CHECK(all_checks_passed(same));
    CHECK(same.at("params").at("expr") == "c[i] = 2*a[i] - b[i]");
    CHECK(field(same, "builds").to_number<int>() == 1);
}

TEST_CASE("gpu expression: evaluated as C evaluates int arithmetic") {
    const gpu::Expression e("c[i] = 7 - -a[i] * (b[i] + i) / 2 % 5");
    CHECK(e.statement() == "c[i] = 7 - -a[i] * (b[i] + i) / 2 % 5");
    for (int a : {0, 3, 99})
        for (int b : {0, 1, 50})
            for (int i : {0, 5, 1000}) {
                INFO(a << " " << b << " " << i);
                CHECK(e(a, b, i) == 7 - -a * (b + i) / 2 % 5);
            }
    CHECK(gpu::Expression("a[i]-1")(0, 0, 0) == -1);
    CHECK_THROWS_WITH(gpu::Expression("a[i] / b[i]")(1, 0, 3),
                      Contains("division by zero at i = 3"));
    CHECK_THROWS_WITH(gpu::Expression("a[i] * 2")(INT32_MAX, 0, 0), Contains("overflow of int"));
    CHECK_THROWS_AS(gpu::Expression("c[i] = a[i] +"), UsageError);
    // the deepest nesting 1000 characters allow, and one character more
    std::string deep = "1";
    while (deep.size() + 4 <= 1000)
        deep = "1+(" + deep + ")";
    CHECK(gpu::Expression(deep)(0, 0, 0) == static_cast<int>((deep.size() - 1) / 4 + 1));
    CHECK_THROWS_WITH(gpu::Expression(deep + std::string(1000 - deep.size() + 1, ' ')),
                      Contains("--expr: longer than 1000 characters"));
    for (const char* escape : {"a[i]; b[i]", "a[i] }", "{ a[i]", "a[i] /* x */", "a[i] // x",
                               "a[i]\nb[i]", "#pragma x", "a[i] \\"})
        CHECK_FALSE(gpu::escapes_kernel_body(escape).empty());
    CHECK(gpu::escapes_kernel_body("c[i] = a[i] / b[i]").empty());
}

#if PARCOOK_HAVE_OPENCL
TEST_CASE("gpu ElementwiseKernel: a statement that does not compile names the compiler's error") {
    const std::vector<std::int32_t> a{1, 2, 3}, b{4, 5, 6};
    std::vector<std::int32_t> c(3);
    std::unique_ptr<gpu::ElementwiseDevice> device;
    try {
        device = gpu::open_opencl_elementwise(0, a, b);
    } catch (const CannotRun&) {
        return; // no OpenCL platform here: the recipe tests check the exit 77
    }
    CHECK_THROWS_WITH(device->run("c[i] = a[i] + undeclared", c),
                      Contains("--expr: does not compile") && Contains("error:") &&
                          Contains("undeclared"));
    CHECK_THROWS_AS(device->run("c[i] = 1; }", c), std::invalid_argument);
    const std::uint64_t builds = gpu::elementwise_builds();
    device->run("c[i] = a[i] * b[i]", c);
    CHECK(c == std::vector<std::int32_t>{4, 10, 18});
    CHECK(device->run("c[i] = a[i] * b[i]", c).build_seconds == 0);
    CHECK(gpu::elementwise_builds() == builds + 1);
}
#endif

} // namespace parcook::test
