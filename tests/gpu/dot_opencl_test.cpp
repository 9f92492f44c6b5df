// gpu/dot --api opencl (PoCL where there is no GPU): the two-stage work-group reduction gives
// (n-1) n (2n-1) / 6 modulo 2^64, printed and recorded, with the same record as the CUDA path.
#include "gpu/cuda_support.hpp"
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>

using Catch::Matchers::Contains;

namespace parcook::test {

TEST_CASE("gpu/dot --api opencl: the kernel's sum is (n-1) n (2n-1) / 6 for any n") {
    if (!have_opencl()) {
        const Run r = parcook({"gpu", "dot", "--api", "opencl"});
        CHECK(r.code == 77);
        CHECK_THAT(r.err, Contains("built without OpenCL"));
        CHECK(r.out.empty());
        return;
    }
    // (n-1) n (2n-1) / 6 for one element, the book's 400, a size no work-group size divides,
    // and 1e6 (all below 2^64)
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> table = {
        {1, 0}, {400, 21253400}, {1001, 333833500}, {1000000, UINT64_C(333332833333500000)}};
    for (const auto& [n, expected] : table) {
        INFO("n " << n);
        std::uint64_t squares = 0; // the table itself, summed on the host
        for (std::uint64_t i = 0; i < n; ++i)
            squares += i * i;
        REQUIRE(squares == expected);
        const auto r = record_of({"gpu", "dot", "--api", "opencl", "--n", std::to_string(n)});
        check_pass_metrics(r);
        CHECK(check_passed(r, "result == (n-1) n (2n-1) / 6 (mod 2^64)"));
        CHECK(field(r, "result").to_number<std::uint64_t>() == expected);
        CHECK(field(r, "impl") == "kernel");
        CHECK(r.at("params").at("api") == "opencl");
        CHECK(metric(r, "bandwidth") > 0);
        const auto lines = trace_texts(r);
        CHECK(std::find(lines.begin(), lines.end(), fmt::format("dot = {}", expected)) !=
              lines.end());
    }
}

TEST_CASE("gpu/dot --api opencl --impl kernel prints the book's 21253400") {
    const Run r = parcook({"gpu", "dot", "--api", "opencl", "--impl", "kernel"});
    if (!have_opencl()) {
        CHECK(r.code == 77);
        return;
    }
    INFO("stderr: " << r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("dot = 21253400"));
}

} // namespace parcook::test
