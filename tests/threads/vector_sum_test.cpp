#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/vector-sum: checksum and elements match the generator") {
    for (std::string threads : {"1", "2", "3"}) {
        auto r = record_of({"threads", "vector-sum", "--n", "100003", "-t", threads, "-r", "2"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "parallelism").to_number<int>() == std::stoi(threads));
        CHECK(metric(r, "bandwidth") > 0);
    }
    // the checksum is the same whatever the partitioning, and saxpy differs from add
    auto one = record_of({"threads", "vector-sum", "--n", "5000", "-t", "1"});
    auto three = record_of({"threads", "vector-sum", "--n", "5000", "-t", "3"});
    auto saxpy = record_of({"threads", "vector-sum", "--n", "5000", "--op", "saxpy"});
    CHECK(field(one, "result") == field(three, "result"));
    CHECK(field(saxpy, "result") != field(one, "result"));
}
