// mpi/broadcast, scatter, gather, alltoall, reduce and topology: each rule checked from the job's
// record, under 2 and 4 ranks.
#include "mpi/mpirun.hpp"

#include <fmt/format.h>

using namespace parcook::test;
using Catch::Matchers::Contains;

TEST_CASE("mpi/broadcast: every rank holds 100 and the root's vector") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "broadcast", "--count", "1000"});
        CHECK(all_checks_passed(r));
        for (int rank = 0; rank < np; ++rank) {
            CHECK(lines_of(r, rank) == std::vector<std::string>{fmt::format(
                                           "process = {} variable shared = 100", rank)});
            CHECK(rank_detail(r, rank).at("vector_checksum") ==
                  rank_detail(r, 0).at("vector_checksum"));
        }
    }
}

TEST_CASE("mpi/scatter: rank r holds element r+1, scatterv chunks, the book's array") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "scatter"});
        CHECK(all_checks_passed(r));
        for (int rank = 0; rank < np; ++rank)
            CHECK(rank_detail(r, rank).at("received") == rank + 1);
    }
    const auto v = mpi_record(4, {"mpi", "scatter", "--scatterv", "--n", "10"});
    CHECK(all_checks_passed(v));
    for (int rank = 0; rank < 4; ++rank)
        CHECK(rank_detail(v, rank).at("chunk_size") == (rank < 2 ? 3 : 2));
    const Run book = mpiexec(4, {"mpi", "scatter", "--book-array"});
    CHECK(book.code == 2);
    CHECK_THAT(book.err, Contains("expecting 4 items, got 10"));
    CHECK(book.out.empty());
}

TEST_CASE("mpi/gather: the root holds (i+1)^2 in slot i, --all gives it to every rank") {
    for (int np : {2, 4}) {
        boost::json::array squares;
        for (int i = 0; i < np; ++i)
            squares.push_back((i + 1) * (i + 1));
        const auto r = mpi_record(np, {"mpi", "gather"});
        CHECK(all_checks_passed(r));
        CHECK(rank_detail(r, 0).at("gathered") == squares);
        CHECK(lines_of(r, 0).back() ==
              fmt::format("process 0 receiving {} from process {}", np * np, np - 1));
        const auto all = mpi_record(np, {"mpi", "gather", "--all"});
        CHECK(all_checks_passed(all));
        for (int rank = 0; rank < np; ++rank)
            CHECK(rank_detail(all, rank).at("gathered") == squares);
    }
}

TEST_CASE("mpi/alltoall: what rank r receives is the transpose of what was sent") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "alltoall"});
        CHECK(all_checks_passed(r));
        for (int i = 0; i < np; ++i)
            for (int j = 0; j < np; ++j) {
                CHECK(rank_detail(r, i).at("received").at(j) == rank_detail(r, j).at("sent").at(i));
                CHECK(rank_detail(r, i).at("received").at(j) == (j + 1) * i);
            }
    }
}

TEST_CASE("mpi/reduce: the root holds the closed form of every operation") {
    // rank r sends (r+1)*[0, 1, 2]; with P = 4: S = 10, P! = 24
    const std::vector<std::pair<std::string, std::string>> expected{
        {"sum", "0 10 20"},
        {"max", "0 4 8"},
        {"min", "0 1 2"},
        {"prod", "0 24 384"},
        {"land", "0 1 1"},
        {"maxloc", "(0, 0) (4, 3) (8, 3)"},
        {"minloc", "(0, 0) (1, 0) (2, 0)"}};
    for (const auto& [op, result] : expected) {
        const auto r = mpi_record(4, {"mpi", "reduce", "--op", op});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "result").as_string() == result);
        CHECK(r.at("checks").as_array().size() == 2); // the root's closed form; others untouched
    }
    const auto two = mpi_record(2, {"mpi", "reduce", "--size", "5"});
    CHECK(field(two, "result") == "0 3 6 9 12");
}

TEST_CASE("mpi/topology: the book's 2 x 2 tables, and symmetric neighbours for any P") {
    const int mesh[4][4] = {{-1, 2, -1, 1}, {-1, 3, 0, -1}, {0, -1, -1, 3}, {1, -1, 2, -1}};
    const int torus[4][4] = {{2, 2, 1, 1}, {3, 3, 0, 0}, {0, 0, 3, 3}, {1, 1, 2, 2}};
    for (const bool periodic : {false, true}) {
        std::vector<std::string> args{"mpi", "topology"};
        if (periodic)
            args.push_back("--periodic");
        const auto r = mpi_record(4, args);
        CHECK(all_checks_passed(r));
        CHECK(r.at("checks").as_array().size() == 3);
        for (int rank = 0; rank < 4; ++rank) {
            const auto& d = rank_detail(r, rank);
            const int cart = d.at("cartesian_rank").to_number<int>();
            const auto& n = d.at("neighbours");
            const auto& want = periodic ? torus[cart] : mesh[cart];
            CHECK(n.at("up") == want[0]);
            CHECK(n.at("down") == want[1]);
            CHECK(n.at("left") == want[2]);
            CHECK(n.at("right") == want[3]);
        }
    }
    const auto five = mpi_record(5, {"mpi", "topology"});
    CHECK(all_checks_passed(five));
    CHECK(field(five, "grid") == "2 x 2");
    CHECK(lines_of(five, 4) == std::vector<std::string>{"Process (world rank 4) not in grid"});
    for (const auto& c : five.at("checks").as_array()) // the grid is 2 x 2, P is 5
        CHECK(std::string(c.at("what").as_string()).find("P = 4") == std::string::npos);
    CHECK(five.at("checks").at(2).at("what") == "2 x 2 grid: the book's mesh table");
    const auto two = mpi_record(2, {"mpi", "topology", "--periodic"});
    CHECK(all_checks_passed(two));
}
