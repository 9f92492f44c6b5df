#include "gpu/cuda_support.hpp"
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

// The API and the device name are parameters of the run, not fields of the shared workload.
const boost::json::value& param(const boost::json::object& record, const std::string& name) {
    return record.at("params").at(name);
}

bool check_passed(const boost::json::object& record, std::string_view rule) {
    for (const auto& c : record.at("checks").as_array())
        if (c.at("what").as_string() == rule)
            return c.at("passed").as_bool();
    return false;
}

// The rule of the shared workload: every element checked, and the same checksum as the threads
// member for the same --n, --seed and --op.
void check_vector_sum(const boost::json::object& gpu, const std::string& n, const std::string& op) {
    INFO("n " << n << ", op " << op);
    CHECK(all_checks_passed(gpu));
    CHECK(check_passed(gpu, "c[i] == op(a[i], b[i]) for every i"));
    CHECK(check_passed(gpu, "checksum == serial sum of c"));
    const auto threads =
        record_of({"threads", "vector-sum", "--n", n, "--seed", "7", "--op", op, "-t", "2"});
    CHECK(field(gpu, "result") == field(threads, "result"));
    CHECK(field(gpu, "n").to_number<std::uint64_t>() == std::stoull(n));
    CHECK(metric(gpu, "bandwidth") > 0);
    CHECK(metric(gpu, "end_to_end_seconds") >= metric(gpu, "seconds"));
}

} // namespace

TEST_CASE("gpu/vector-sum --api opencl: elements and checksum match the generator") {
    if (!have_opencl()) {
        const Run r = parcook({"gpu", "vector-sum", "--api", "opencl"});
        CHECK(r.code == 77);
        CHECK_THAT(r.err, Contains("built without OpenCL"));
        return;
    }
    // the book's 100 elements, and a size that is no multiple of the work-group size
    for (std::string n : {"100", "1000003"}) {
        const auto r =
            record_of({"gpu", "vector-sum", "--api", "opencl", "--n", n, "--seed", "7", "-r", "2"});
        check_vector_sum(r, n, "add");
        CHECK(param(r, "api") == "opencl");
        CHECK(field(r, "parallelism").to_number<std::uint64_t>() >= std::stoull(n));
    }
    const auto saxpy = record_of(
        {"gpu", "vector-sum", "--api", "opencl", "--n", "5000", "--seed", "7", "--op", "saxpy"});
    check_vector_sum(saxpy, "5000", "saxpy");
}

TEST_CASE("gpu/vector-sum: bad --device and --n are usage errors") {
    const Run zero = parcook({"gpu", "vector-sum", "--api", "opencl", "--n", "0"});
    CHECK(zero.code == 2);
    CHECK_THAT(zero.err, Contains("--n"));
    CHECK(zero.out.empty());
    if (have_opencl()) {
        const Run r = parcook({"gpu", "vector-sum", "--api", "opencl", "--device", "64"});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("--device"));
        CHECK(r.out.empty());
    }
}

// Started by an MPI launcher (MPICH Hydra sets MPI_LOCALRANKID), a process without --device takes
// its node-local rank modulo the devices: rank 3 of PoCL's one device is device 0. An explicit
// --device still wins, and one the machine lacks is still a usage error.
TEST_CASE("gpu/vector-sum: the node-local rank picks the device unless --device is given") {
    if (!have_opencl())
        return; // without OpenCL the recipe exits 77 (tested above)
    REQUIRE(setenv("MPI_LOCALRANKID", "3", 1) == 0);
    const Run picked = parcook(
        {"gpu", "vector-sum", "--api", "opencl", "--n", "1000", "--seed", "7", "--format", "json"});
    const Run given = parcook({"gpu", "vector-sum", "--api", "opencl", "--device", "5"});
    unsetenv("MPI_LOCALRANKID");
    INFO("stdout: " << picked.out << "\nstderr: " << picked.err);
    REQUIRE(picked.code == 0);
    const auto record = picked.record();
    check_vector_sum(record, "1000", "add");
    const auto lines = trace_texts(record);
    CHECK(std::find(lines.begin(), lines.end(),
                    "device 0: node-local rank MPI_LOCALRANKID=3 modulo 1 opencl device(s)") !=
          lines.end());
    CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
              return line.starts_with("opencl device 0: ");
          }) == 1);
    CHECK(given.code == 2);
    CHECK(given.out.empty());
    CHECK(std::count(given.err.begin(), given.err.end(), '\n') == 1);
    CHECK_THAT(given.err, Contains("--device: no OpenCL device 5"));
}

// The GPU's parallelism is the launch and the untimed fill uses every CPU: -t would change
// nothing a record shows, so the recipe neither offers nor accepts it.
TEST_CASE("gpu/vector-sum: no -t/--threads") {
    const Run help = parcook({"gpu", "vector-sum", "--help"});
    CHECK(help.code == 0);
    CHECK_THAT(help.out, !Contains("--threads"));
    const Run r = parcook({"gpu", "vector-sum", "--api", "opencl", "-t", "2"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("gpu/vector-sum has no such option"));
    CHECK(r.out.empty());
}

// Last in this file: where there is no GPU it ends the test executable with 77, which ctest
// reports as skipped (SKIP_RETURN_CODE), after checking that 77 came with its reason.
TEST_CASE("gpu/vector-sum --api cuda: verified on a GPU, else exit 77 with the reason") {
    const auto record = cuda_record(
        {"gpu", "vector-sum", "--api", "cuda", "--n", "1000003", "--seed", "7", "-r", "2"});
    check_vector_sum(record, "1000003", "add");
    CHECK(param(record, "api") == "cuda");
    if (record.at("metrics").as_object().contains("pct_of_peak"))
        CHECK(metric(record, "pct_of_peak") > 0);
}

} // namespace parcook::test
