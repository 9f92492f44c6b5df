// The gpu members of the shared workloads pi, fib-map and word-count: the OpenCL back-ends run for
// real (PoCL here and in CI) and must give the threads member's result; the CUDA back-ends do the
// same on a GPU and end skipped without one.
#include "cuda_support.hpp"
#include "parcook/host.hpp"

#include <algorithm>

namespace parcook::test {
namespace {

void same_result_as_threads(const boost::json::object& gpu, std::vector<std::string> args) {
    CHECK(all_checks_passed(gpu));
    args.insert(args.begin(), "threads");
    args.insert(args.end(), {"-t", "2"});
    const auto threads = record_of(args);
    CHECK(field(gpu, "result") == field(threads, "result"));
    CHECK(metric(gpu, "kernel_seconds") > 0);
    CHECK(metric(gpu, "end_to_end_seconds") >= metric(gpu, "kernel_seconds"));
}

const std::vector<std::vector<std::string>> workloads{
    {"pi", "--n", "300000", "--seed", "9"},
    {"fib-map", "--list", "24,20,3,1,27", "--n", "2"},
    {"word-count", "--n", "300"},
};

} // namespace

TEST_CASE("gpu shared workloads --api opencl: the threads member's result") {
    if (!have_opencl())
        return; // built without OpenCL: gpu/vector-sum's test checks the 77
    for (const auto& w : workloads) {
        std::vector<std::string> args{"gpu"};
        args.insert(args.end(), w.begin(), w.end());
        args.insert(args.end(), {"--api", "opencl"});
        same_result_as_threads(record_of(args), w);
    }
}

TEST_CASE("gpu/fib-map --depth 0: one leaf per task, still exact") {
    if (!have_opencl())
        return;
    const auto r =
        record_of({"gpu", "fib-map", "--api", "opencl", "--list", "20,1,2", "--depth", "0"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "parallelism").to_number<int>() == 3);
}

TEST_CASE("gpu shared workloads --api cuda: the threads member's result") {
    for (const auto& w : workloads) {
        std::vector<std::string> args{"gpu"};
        args.insert(args.end(), w.begin(), w.end());
        args.insert(args.end(), {"--api", "cuda"});
        same_result_as_threads(cuda_record(args), w);
    }
}

} // namespace parcook::test
