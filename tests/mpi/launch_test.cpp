// The job plumbing every mpi recipe shares (recipes/mpi/mpi.hpp), seen through mpi/hello and a
// few others: rank-ordered output, one record, --np self-launch, the 77 path, a foreign launcher,
// agreement of options and exit codes, bad input, and MPI errors as messages.
#include "mpi/mpi.hpp"
#include "mpi/mpirun.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>

using namespace parcook::test;
using Catch::Matchers::Contains;

TEST_CASE("mpi/hello: every rank reports once, with size P, in one record") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "hello"});
        CHECK(all_checks_passed(r));
        CHECK(r.at("params").at("ranks") == np);
        REQUIRE(r.at("ranks").as_array().size() == static_cast<std::size_t>(np));
        const auto texts = trace_texts(r);
        REQUIRE(texts.size() == static_cast<std::size_t>(np));
        for (int rank = 0; rank < np; ++rank) {
            CHECK(rank_detail(r, rank).at("rank") == rank);
            const auto mine = lines_of(r, rank);
            REQUIRE(mine.size() == 1);
            CHECK_THAT(mine[0],
                       Contains(fmt::format("hello world from process {} of {}", rank, np)));
        }
    }
}

TEST_CASE("mpi: only rank 0 writes stdout, the other ranks' lines in rank order") {
    const Run r = mpiexec(4, {"mpi", "hello"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    std::vector<std::string> traced;
    std::size_t verify_lines = 0;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("[rank "))
            traced.push_back(line.substr(0, 8));
        verify_lines += line.starts_with("verify: ");
    }
    CHECK(traced == std::vector<std::string>{"[rank 0]", "[rank 1]", "[rank 2]", "[rank 3]"});
    CHECK(verify_lines == 1);
}

TEST_CASE("mpi: --np N re-launches itself under mpiexec and forwards output and exit code") {
    const Run r = parcook::test::parcook({"mpi", "hello", "--np", "3", "--format", "json"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto record = r.record();
    CHECK(record.at("params").at("ranks") == 3);
    CHECK(all_checks_passed(record));
    // the exit code of the job comes back: 2 from a usage error found under mpiexec
    const Run bad = parcook::test::parcook({"mpi", "scatter", "--book-array", "--np", "2"});
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Contains("--book-array: expecting 2 items, got 10"));
    CHECK(bad.out.empty());
}

TEST_CASE("mpi: --np prefers an mpiexec next to the binary (the relocatable bundle)") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::absolute("mpi_bundle_test");
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(PARCOOK_BINARY, dir / "parcook");
    std::ofstream(dir / "mpiexec") << "#!/bin/sh\necho \"bundled mpiexec $*\"\nexit 5\n";
    fs::permissions(dir / "mpiexec", fs::perms::owner_all);
    const parcook::Captured c = parcook::run_captured(
        {(dir / "parcook").string(), "mpi", "broadcast", "--np", "3", "--seed", "9"},
        std::chrono::seconds(30));
    fs::remove_all(dir);
    CHECK(c.out == fmt::format("bundled mpiexec -n 3 {} mpi broadcast --seed 9\n",
                               (dir / "parcook").string()));
    CHECK(c.exit_code == 5);
}

TEST_CASE("mpi: logs on stderr carry the rank") {
    const Run r = mpiexec(2, {"mpi", "hello", "-v"});
    CHECK(r.code == 0);
    CHECK_THAT(r.err, Contains("mpi/hello rank 0") && Contains("mpi/hello rank 1"));
}

TEST_CASE("mpi: too few ranks exits 77 with the exact command to run") {
    const std::string command =
        fmt::format("{} -n 2 {} mpi p2p --mode sync", PARCOOK_MPIEXEC_TEST, PARCOOK_BINARY);
    const Run one = parcook::test::parcook({"mpi", "p2p", "--mode", "sync"});
    CHECK(one.code == 77);
    CHECK_THAT(one.err, Contains("needs at least 2 MPI ranks and this job has 1"));
    CHECK_THAT(one.err, Contains(command));
    CHECK(one.out.empty());
    // exactly two: pingpong refuses four, on every rank, with one message
    const Run four = mpiexec(4, {"mpi", "pingpong"});
    CHECK(four.code == 77);
    CHECK_THAT(four.err, Contains("needs exactly 2 MPI ranks and this job has 4"));
    CHECK(four.err.find("cannot run here") == four.err.rfind("cannot run here"));
    CHECK(four.out.empty());
}

TEST_CASE("mpi: a foreign launcher's N one-rank jobs are refused with the right command") {
    {
        ScopedEnv open_mpi("OMPI_COMM_WORLD_SIZE", "4"); // as Open MPI's mpiexec -n 4 sets it
        const Run r = parcook::test::parcook({"mpi", "hello"});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("OMPI_COMM_WORLD_SIZE=4"));
        CHECK_THAT(r.err, Contains(fmt::format("{} -n 4 {} mpi hello", PARCOOK_MPIEXEC_TEST,
                                               PARCOOK_BINARY)));
        CHECK(r.out.empty());
    }
    {
        ScopedEnv pmix("PMIX_RANK", "2"); // a PMIx launcher: only the rank is known
        const Run r = parcook::test::parcook({"mpi", "ring"});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("PMIX_RANK=2"));
        CHECK_THAT(r.err, Contains("-n N"));
    }
    {
        ScopedEnv one("OMPI_COMM_WORLD_SIZE", "1"); // a one-rank job is a one-rank job
        CHECK(parcook::test::parcook({"mpi", "hello"}).code == 0);
    }
}

TEST_CASE("mpi: ranks that parsed different options are refused") {
    // an MPMD launch: two programs, one rank each
    auto mpmd = [](const std::string& a, const std::string& b) {
        return parcook::run_captured({PARCOOK_MPIEXEC_TEST, "-n", "1", PARCOOK_BINARY, "mpi",
                                      "broadcast", "--seed", a, ":", "-n", "1", PARCOOK_BINARY,
                                      "mpi", "broadcast", "--seed", b},
                                     std::chrono::seconds(30));
    };
    const parcook::Captured differ = mpmd("1", "1e6");
    CHECK(differ.exit_code == 2);
    CHECK_THAT(differ.err, Contains("rank(s) 1 parsed other options than rank 0"));
    CHECK(differ.out.empty());
    CHECK(mpmd("1000", "1e3").exit_code == 0); // the same value typed differently agrees
}

TEST_CASE("mpi: bad input exits 2 with one line naming the option, before any output") {
    auto one_line_naming = [](const Run& r, const std::string& option) {
        INFO("stderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK_THAT(r.err, Contains(option));
    };
    // rejected while parsing, before MPI starts
    one_line_naming(parcook::test::parcook({"mpi", "reduce", "--op", "avg"}), "--op");
    one_line_naming(parcook::test::parcook({"mpi", "reduce", "--size", "0"}), "--size");
    one_line_naming(parcook::test::parcook({"mpi", "hello", "--np", "-1"}), "--np");
    one_line_naming(parcook::test::parcook({"mpi", "broadcast", "--count", "-3", "--np", "2"}),
                    "--count");
    // rejected by the recipe on every rank: one rank reports, all exit 2
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"mpi", "deadlock", "--bytes", "0"}, "--bytes"},
        {{"mpi", "deadlock", "--timeout", "0"}, "--timeout"},
        {{"mpi", "pingpong", "--sizes", "8,lots"}, "--sizes"},
        {{"mpi", "pingpong", "--window", "0"}, "--window"},
        {{"mpi", "collectives", "--sizes", ""}, "--sizes"},
        {{"mpi", "fib-map", "--list", "38,x"}, "--list"},
        {{"mpi", "scatter", "--scatterv", "--n", "3e9"}, "--n"},
        {{"mpi", "hello", "--np", "3"}, "--np"}, // already under mpiexec with 2 ranks
    };
    for (const auto& [args, option] : cases)
        one_line_naming(mpiexec(2, args), option);
    // found on rank 0 alone (its input file): rank 0 reports, every rank exits 2
    one_line_naming(mpiexec(3, {"mpi", "word-count", "--input", "/nonexistent/words.txt"}),
                    "--input");
}

TEST_CASE("mpi: an MPI error becomes an exception with MPI's message and the recipe line") {
    REQUIRE_THROWS_WITH(parcook::mpi::call(MPI_ERR_RANK), Contains("MPI error at") &&
                                                              Contains("launch_test.cpp") &&
                                                              Contains("Invalid rank"));
    CHECK_NOTHROW(parcook::mpi::call(MPI_SUCCESS));
}
