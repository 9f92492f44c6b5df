#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("processes/vector-sum: c in shared memory matches the generator for any worker count") {
    const auto threads =
        record_of({"threads", "vector-sum", "--n", "100003", "-t", "1", "-r", "1"});
    for (std::string workers : {"1", "2", "3"}) {
        auto r = record_of(
            {"processes", "vector-sum", "--n", "100003", "--workers", workers, "-r", "3"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "parallelism").to_number<int>() == std::stoi(workers));
        // the same checksum as the threads member: inputs come from the shared generator
        CHECK(field(r, "result") == field(threads, "result"));
        CHECK(metric(r, "bandwidth") > 0);
        // set-up is reported apart from the kernel, and the kernel is inside each round trip
        CHECK(metric(r, "pool_start") > 0);
        CHECK(metric(r, "setup_fill") > 0);
        CHECK(metric(r, "seconds") <= metric(r, "round_trip"));
        CHECK(r.at("timing").at("samples").as_array().size() == 3);
    }
    auto add = record_of({"processes", "vector-sum", "--n", "5000", "--workers", "2"});
    auto saxpy = record_of({"processes", "vector-sum", "--n", "5000", "--op", "saxpy"});
    CHECK(all_checks_passed(saxpy));
    CHECK(field(saxpy, "result") != field(add, "result"));
}

TEST_CASE("processes/vector-sum: a size /dev/shm cannot hold is refused") {
    const Run r = parcook::test::parcook({"processes", "vector-sum", "--n", "1e15"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--n") != std::string::npos);
}
