// The shared workloads on MPI: the same results as the serial definitions (and as the threads
// group), whatever the number of ranks.
#include "mpi/mpirun.hpp"

#include "parcook/workloads.hpp"

#include <cstdio>
#include <fstream>

using namespace parcook::test;

TEST_CASE("mpi/vector-sum: the checksum is the threads group's, for any number of ranks") {
    const auto threads =
        record_of({"threads", "vector-sum", "--n", "100003", "-t", "1", "-r", "1"});
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "vector-sum", "--n", "100003", "-r", "2"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "result") == field(threads, "result"));
        CHECK(field(r, "parallelism") == np);
        CHECK(metric(r, "bandwidth") > 0);
        CHECK(rank_detail(r, np - 1).at("block").at(1) == 100003);
    }
}

TEST_CASE("mpi/pi: the hits of a serial count, for any number of ranks") {
    const std::uint64_t serial = parcook::workload::pi_hits(42, 0, 200000);
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "pi", "--n", "200000", "-r", "2"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "result") == serial);
    }
}

TEST_CASE("mpi/fib-map: manager/worker and --static give the list's values in order") {
    for (int np : {2, 4}) {
        for (const bool round_robin : {false, true}) {
            std::vector<std::string> args{"mpi", "fib-map", "--list", "22,21,20,19",
                                          "--n", "3",       "-r",     "1"};
            if (round_robin)
                args.push_back("--static");
            const auto r = mpi_record(np, args);
            CHECK(all_checks_passed(r));
            CHECK(field(r, "checksum") == 3 * (17711 + 10946 + 6765 + 4181));
            CHECK(field(r, "result").as_array().size() == 12);
            std::int64_t computed = 0;
            for (int rank = 0; rank < np; ++rank)
                computed += rank_detail(r, rank).at("tasks_computed").to_number<std::int64_t>();
            CHECK(computed == 12);
            if (!round_robin)
                CHECK(rank_detail(r, 0).at("tasks_computed") == 0); // the manager
        }
    }
}

TEST_CASE("mpi/word-count: n times the book's table, and a file equal to a serial count") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "word-count", "--n", "500", "-r", "2"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "words") == 47 * 500);
        CHECK(field(r, "distinct_words") == 18);
    }
    const std::string path = "mpi_word_count_input.txt";
    std::ofstream(path) << "One fish, two fish;\nred fish  blue fish.\n\nThe END";
    const auto r = mpi_record(3, {"mpi", "word-count", "--input", path});
    std::remove(path.c_str());
    CHECK(all_checks_passed(r));
    CHECK(field(r, "words") == 10);
    CHECK(field(r, "distinct_words") == 7);
}
