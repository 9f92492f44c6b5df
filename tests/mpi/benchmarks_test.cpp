// mpi/pingpong and mpi/collectives at tiny iteration counts: the record's shape, the metrics the
// benchmarks compare, and the verification of every message (speed is scripts/bench's business).
#include "mpi/mpirun.hpp"

using namespace parcook::test;
using Catch::Matchers::Contains;

TEST_CASE("mpi/pingpong: latency and bandwidth per size, every message intact") {
    const auto r = mpi_record(2, {"mpi", "pingpong", "--sizes", "0,8,1KiB,1MiB", "--iterations",
                                  "100", "--warmup-iterations", "10", "--bw-iterations", "3",
                                  "--bw-warmup-iterations", "1"});
    CHECK(all_checks_passed(r));
    CHECK(r.at("headline") == "latency_8B");
    CHECK(metric(r, "latency_8B") > 0);
    CHECK(metric(r, "bandwidth_1MiB") > 0);
    CHECK(metric(r, "pingpong_bandwidth_1MiB") > 0);
    const auto& sizes = rank_detail(r, 0).at("sizes").as_array();
    REQUIRE(sizes.size() == 4);
    CHECK(sizes[0].at("bytes") == 0);
    CHECK_FALSE(sizes[0].as_object().contains("bandwidth_MBps")); // nothing to stream at 0 B
    CHECK(sizes[3].at("bytes") == 1 << 20);
    CHECK(sizes[3].at("iterations") == 100); // given: not reduced for large messages
    // the default sweep doubles from 1 B
    const auto sweep = mpi_record(2, {"mpi", "pingpong", "--max-size", "16KiB", "--iterations",
                                      "20", "--warmup-iterations", "2", "--bw-iterations", "2",
                                      "--bw-warmup-iterations", "1"});
    const auto& rows = rank_detail(sweep, 0).at("sizes").as_array();
    REQUIRE(rows.size() == 16); // 0, 1, 2, 4, ..., 16 KiB
    CHECK(rows[15].at("bytes") == 16384);
    CHECK(rows[15].at("iterations") == 20);
}

TEST_CASE("mpi/pingpong: above 8 KiB a tenth of the iterations, unless they are given") {
    const auto r = mpi_record(2, {"mpi", "pingpong", "--sizes", "16KiB", "--warmup-iterations", "0",
                                  "--bw-warmup-iterations", "0"});
    const auto& row = rank_detail(r, 0).at("sizes").at(0);
    CHECK(row.at("iterations") == 1000);
    CHECK(row.at("bw_iterations") == 10);
}

TEST_CASE("mpi/pingpong: needs exactly two ranks") {
    const Run one = parcook::test::parcook({"mpi", "pingpong"});
    CHECK(one.code == 77);
    CHECK_THAT(one.err, Contains("needs exactly 2 MPI ranks"));
}

TEST_CASE("mpi/collectives: six collectives over sizes, each result verified") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "collectives", "--sizes", "8,4KiB", "--iterations",
                                       "20", "--warmup-iterations", "2"});
        CHECK(all_checks_passed(r));
        CHECK(r.at("checks").as_array().size() == 6);
        for (const char* op : {"bcast", "scatter", "gather", "alltoall", "reduce", "allreduce"})
            CHECK(metric(r, std::string(op) + "_8B") > 0);
        CHECK(rank_detail(r, 0).at("results").as_array().size() == 12);
    }
}
