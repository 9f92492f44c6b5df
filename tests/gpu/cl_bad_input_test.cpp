// Bad input to the OpenCL recipes (gpu/cl-*): exit 2, one line on stderr naming the option, and
// nothing on stdout, before any device work; with or without OpenCL in the build.
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

struct Bad {
    std::vector<std::string> args;
    std::string named; // what the one line must name
};

void check_refused(const Bad& bad) {
    std::vector<std::string> args{"gpu"};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    const Run r = parcook(args);
    INFO("parcook gpu " << fmt::format("{}", fmt::join(bad.args, " ")) << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Contains(bad.named));
}

} // namespace

TEST_CASE("gpu/cl-*: bad options are one-line usage errors") {
    const std::vector<Bad> table = {
        {{"cl-device-info", "--device", "99"}, "--device"},
        {{"cl-device-info", "--api", "metal"}, "--api"},
        {{"cl-device-info", "--api", "cuda"}, "only --api opencl"},
        {{"cl-device-info", "--n", "5"}, "gpu/cl-device-info has no such option"},
        {{"cl-elementwise", "--n", "0"}, "--n"},
        {{"cl-elementwise", "--device", "99"}, "--device"},
        {{"cl-elementwise", "--api", "metal"}, "--api"},
        {{"cl-elementwise", "--api", "cuda"}, "only --api opencl"},
        {{"cl-benchmark", "--n", "0"}, "--n"},
        {{"cl-benchmark", "--iterations", "0"}, "--iterations"},
        {{"cl-benchmark", "--device", "99"}, "--device"},
        {{"cl-benchmark", "--api", "metal"}, "--api"},
    };
    for (const Bad& bad : table)
        check_refused(bad);
}

TEST_CASE("gpu/cl-elementwise: an --expr that is not one int expression is refused") {
    const std::vector<Bad> table = {
        {{"--expr", "x +"}, "--expr: unknown name 'x'"},
        {{"--expr", "a[i] +"}, "--expr: a value is missing at the end"},
        {{"--expr", "c[i] = (a[i] + b[i]"}, "--expr: expected ')' at the end"},
        {{"--expr", "c[i] = a[i]; c[0] = 1"}, "--expr: ';' would end the statement"},
        {{"--expr", "c[i] = a[i]; }"}, "--expr: ';' would end the statement"},
        {{"--expr", "c[i] = a[i] } __kernel void f() {"}, "--expr: '}' would open or close"},
        {{"--expr", "c[i] = a[i] // b[i]"}, "--expr: a comment would hide"},
        {{"--expr", "c[i] = a[i]\n#define x"}, "--expr: a line break or other control character"},
        {{"--expr", "c[i] = 99999999999"}, "--expr: an integer literal beyond the range of int"},
        // b[i] is 0 somewhere among 1000 draws from [0, 100) with seed 42
        {{"--expr", "a[i] / b[i]", "--n", "1000"}, "--expr: a division by zero at i = "},
        {{"--expr", "a[i] * 99999999"}, "--expr: an overflow of int at i = "},
    };
    for (Bad bad : table) {
        bad.args.insert(bad.args.begin(), "cl-elementwise");
        check_refused(bad);
    }
}

TEST_CASE("gpu/cl-*: a --device the machine lacks is a usage error naming the count") {
    if (!have_opencl())
        return; // without OpenCL the recipes exit 77 (tested with each recipe)
    for (const std::string recipe : {"cl-device-info", "cl-elementwise", "cl-benchmark"})
        check_refused({{recipe, "--device", "64"}, "--device: no OpenCL device 64"});
}

} // namespace parcook::test
