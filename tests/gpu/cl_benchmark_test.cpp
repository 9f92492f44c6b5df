// gpu/cl-benchmark: the CPU and the device compute the same sums, the kernel time lies within
// the GPU time, and the CPU's redundant loop really runs (an optimizer that folded it would make
// it impossibly fast); --api cuda is verified on a GPU and exits 77 elsewhere.
#include "gpu/cuda_support.hpp"
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

bool has_line(const boost::json::object& record, const std::string& start) {
    const auto lines = trace_texts(record);
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.starts_with(start); });
}

void check_benchmark(const boost::json::object& r) {
    CHECK(all_checks_passed(r));
    for (const std::string line : {"CPU Time: ", "GPU Kernel evaluation Time: ", "GPU Time: "})
        CHECK(has_line(r, line));
    CHECK(metric(r, "gpu_kernel_seconds") > 0);
    CHECK(metric(r, "gpu_kernel_seconds") <= metric(r, "gpu_seconds"));
    CHECK(metric(r, "speedup") == Approx(metric(r, "cpu_seconds") / metric(r, "gpu_seconds")));
}

} // namespace

TEST_CASE("gpu/cl-benchmark --api opencl: the same sums on both sides, times nested") {
    if (!have_opencl()) {
        const Run r = parcook({"gpu", "cl-benchmark", "--n", "100"});
        CHECK(r.code == 77);
        CHECK_THAT(r.err, Contains("built without OpenCL"));
        return;
    }
    // 1003: no multiple of the work-group size
    const auto r = record_of({"gpu", "cl-benchmark", "--n", "1003", "--iterations", "1000"});
    check_benchmark(r);
    CHECK(field(r, "n").to_number<int>() == 1003);
    CHECK(field(r, "iterations").to_number<int>() == 1000);
}

// 1e8 repetitions, each a load, an add and a store through volatile pointers: no core does more
// than 1e10 of those per second. A loop folded into one addition per element would take
// microseconds.
TEST_CASE("gpu/cl-benchmark: the CPU's redundant loop is not optimized away") {
    if (!have_opencl())
        return;
    const auto r = record_of({"gpu", "cl-benchmark", "--n", "1000", "--iterations", "100000", "-r",
                              "1", "--warmup", "0"});
    CHECK(all_checks_passed(r));
    CHECK(metric(r, "cpu_seconds") > 1e8 / 1e10);
}

// Last in this file: where there is no GPU it ends the test executable with 77, which ctest
// reports as skipped, after checking that 77 came with its reason.
TEST_CASE("gpu/cl-benchmark --api cuda: verified on a GPU, else exit 77 with the reason") {
    check_benchmark(cuda_record(
        {"gpu", "cl-benchmark", "--api", "cuda", "--n", "10003", "--iterations", "1000"}));
}

} // namespace parcook::test
