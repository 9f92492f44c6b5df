// The shared workloads on an event loop: the same results as every other group, on one loop
// thread and on two.
#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("async shared workloads verify on one and two loop threads, results as threads'") {
    for (std::string workload : {"vector-sum", "pi", "fib-map", "word-count"}) {
        std::vector<std::string> size{"--n", "20000"};
        if (workload == "fib-map")
            size = {"--list", "20,18,16", "--n", "2"};
        auto args = [&](std::string group, std::string threads) {
            std::vector<std::string> a{group, workload, "-t", threads, "-r", "2"};
            a.insert(a.end(), size.begin(), size.end());
            return a;
        };
        const auto one = record_of(args("async", "1"));
        const auto two = record_of(args("async", "2"));
        const auto threads = record_of(args("threads", "2"));
        CHECK(all_checks_passed(one));
        CHECK(all_checks_passed(two));
        CHECK(field(one, "parallelism").to_number<int>() == 1);
        CHECK(field(two, "parallelism").to_number<int>() == 2);
        CHECK(field(one, "result") == field(threads, "result"));
        CHECK(field(two, "result") == field(threads, "result"));
    }
}
