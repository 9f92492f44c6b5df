// mpi/p2p, mpi/ring and mpi/deadlock: each rule checked from the job's record.
#include "mpi/mpirun.hpp"

#include <fmt/format.h>

using namespace parcook::test;
using Catch::Matchers::Contains;

TEST_CASE("mpi/p2p: the integer and the string reach their receivers in every mode") {
    for (const std::string mode : {"standard", "sync", "buffered"}) {
        for (int np : {2, 4}) {
            INFO(mode << " -n " << np);
            const auto r = mpi_record(np, {"mpi", "p2p", "--mode", mode});
            CHECK(all_checks_passed(r));
            CHECK(r.at("checks").as_array().size() == 2);
            const int number_to = np / 2, text_to = np == 2 ? 0 : np - 1;
            CHECK(rank_detail(r, number_to).at("received") == 10000000);
            CHECK(rank_detail(r, text_to).at("received_text") == "hello");
            const auto lines = lines_of(r, number_to);
            CHECK(std::count(lines.begin(), lines.end(), "data received is = 10000000") == 1);
        }
    }
}

TEST_CASE("mpi/ring: the token visits every rank once, in order") {
    for (int np : {2, 4}) {
        const auto r = mpi_record(np, {"mpi", "ring"});
        CHECK(all_checks_passed(r));
        std::string tour;
        for (int rank = 0; rank < np; ++rank) {
            tour += fmt::format("P{}", rank);
            if (rank > 0)
                CHECK(rank_detail(r, rank).at("forwarded").as_string() == tour);
            CHECK(lines_of(r, rank).front() ==
                  fmt::format("I am rank {} of {} on node {}", rank, np,
                              std::string(rank_detail(r, rank).at("processor").as_string())));
        }
        CHECK(field(r, "token").as_string() == tour);
    }
}

namespace {
boost::json::object deadlock(int np, std::vector<std::string> extra, std::string timeout = "300ms",
                             int expect = 0) {
    std::vector<std::string> args{"mpi", "deadlock", "--timeout", timeout};
    args.insert(args.end(), extra.begin(), extra.end());
    return mpi_record(np, args, expect);
}
std::string outcome(const boost::json::object& r, const std::string& variant) {
    return std::string(field(r, "outcomes").at(variant).as_string());
}
} // namespace

TEST_CASE("mpi/deadlock: send-first past the eager limit deadlocks, both fixes complete") {
    // a generous watchdog: the fixes must complete within it even on a loaded machine
    const Run run = mpiexec(2, {"mpi", "deadlock", "--timeout", "1s", "--format", "json"});
    REQUIRE(run.code == 0);
    CHECK(run.seconds < 10); // the watchdog ends it: it never hangs
    const auto r = run.record();
    CHECK(all_checks_passed(r));
    CHECK(outcome(r, "send-first") == "deadlock");
    CHECK(outcome(r, "ordered") == "completed");
    CHECK(outcome(r, "sendrecv") == "completed");
    CHECK(field(r, "outcomes").as_object().size() == 3);
    CHECK(rank_detail(r, 1).at("send-first") == "stuck in MPI_Send");
}

TEST_CASE("mpi/deadlock: each of the book's variants, with the eager limit and synchronous sends") {
    const auto recv_first = deadlock(4, {"--variant", "recv-first"});
    CHECK(all_checks_passed(recv_first));
    CHECK(outcome(recv_first, "recv-first") == "deadlock");
    CHECK(field(recv_first, "peers") == boost::json::array{0, 3});
    CHECK(rank_detail(recv_first, 3).at("recv-first") == "stuck in MPI_Recv");

    const auto small = deadlock(2, {"--variant", "send-first", "--bytes", "1"}, "2s");
    CHECK(all_checks_passed(small));
    CHECK(outcome(small, "send-first") == "completed"); // eager: MPI buffers one byte

    const auto ssend = deadlock(2, {"--variant", "send-first", "--bytes", "1", "--ssend"});
    CHECK(all_checks_passed(ssend));
    CHECK(outcome(ssend, "send-first") == "deadlock");
    CHECK(rank_detail(ssend, 0).at("send-first") == "stuck in MPI_Ssend");

    const auto large = deadlock(2, {"--variant", "send-first", "--bytes", "16MiB"});
    CHECK(all_checks_passed(large));
    CHECK(outcome(large, "send-first") == "deadlock");

    for (const std::string fix : {"ordered", "sendrecv"}) {
        const auto r = deadlock(4, {"--variant", fix, "--ssend"}, "2s");
        CHECK(all_checks_passed(r));
        CHECK(outcome(r, fix) == "completed");
    }
}

TEST_CASE("mpi/deadlock: send-first between the eager sizes records the outcome it found") {
    // 256 KiB: whether MPI buffers it is MPI's business; either outcome is reported and checked.
    for (const std::string bytes : {"256KiB", "4KiB"}) {
        const auto r = deadlock(2, {"--variant", "send-first", "--bytes", bytes}, "300ms");
        INFO(bytes);
        CHECK(all_checks_passed(r));
        CHECK_FALSE(r.at("checks").as_array().empty());
        const std::string found = outcome(r, "send-first");
        const auto texts = trace_texts(r);
        const std::string stated =
            found == "deadlock" ? "MPI did not buffer a " : "send-first: MPI buffered a ";
        CHECK(std::any_of(texts.begin(), texts.end(), [&](const std::string& t) {
            return t.starts_with(stated) || t.find(stated) != std::string::npos;
        }));
        const std::string rule = found == "deadlock"
                                     ? "send-first: every request cleaned up after the deadlock"
                                     : "send-first: one peer holds 'b', the other 'a'";
        const auto& checks = r.at("checks").as_array();
        CHECK(std::any_of(checks.begin(), checks.end(),
                          [&](const auto& c) { return c.at("what").as_string() == rule; }));
    }
}

TEST_CASE("mpi/deadlock: with 6 ranks the peers are the book's ranks 1 and 5") {
    const auto r = deadlock(6, {"--variant", "ordered", "--bytes", "64KiB"}, "2s");
    CHECK(all_checks_passed(r));
    CHECK(field(r, "peers") == boost::json::array{1, 5});
    CHECK(rank_detail(r, 5).at("ordered") == "completed");
    CHECK_FALSE(rank_detail(r, 2).contains("ordered")); // not a peer
}

TEST_CASE("mpi/deadlock: a watchdog too short for a fix fails the whole job (exit 1)") {
    // A 1 ns watchdog calls even the ordered exchange stuck: its check fails on every rank, the
    // job's record shows it, and every rank leaves with 1.
    const auto r = deadlock(2, {"--variant", "ordered", "--bytes", "16MiB"}, "1ns", 1);
    CHECK_FALSE(r.at("verified").as_bool());
    CHECK(outcome(r, "ordered") == "deadlock");
    const auto& check = r.at("checks").at(0);
    CHECK(check.at("what") == "ordered: completes");
    CHECK_FALSE(check.at("passed").as_bool());
    CHECK_THAT(std::string(check.at("detail").as_string()),
               Contains("rank 0: deadlocked") && Contains("rank 1: deadlocked"));
}
