#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/fib-map: values in input order whatever the thread count") {
    // fib(30), fib(25), fib(20), fib(1), fib(2): uneven tasks, repeated 3 times
    const std::vector<std::int64_t> once{832040, 75025, 6765, 1, 1};
    std::vector<std::int64_t> expected;
    for (int r = 0; r < 3; ++r)
        expected.insert(expected.end(), once.begin(), once.end());
    for (std::string threads : {"1", "2", "3"}) {
        auto r = record_of(
            {"threads", "fib-map", "--list", "30,25,20,1,2", "--n", "3", "-t", threads, "-r", "2"});
        CHECK(all_checks_passed(r));
        std::vector<std::int64_t> got;
        for (const auto& v : field(r, "result").as_array())
            got.push_back(v.to_number<std::int64_t>());
        CHECK(got == expected);
        CHECK(field(r, "checksum").to_number<std::int64_t>() == 3 * (832040 + 75025 + 6765 + 2));
        CHECK(field(r, "tasks").to_number<int>() == 15);
        CHECK(field(r, "parallelism").to_number<int>() == std::stoi(threads));
        CHECK(metric(r, "tasks_per_second") > 0);
    }
}

TEST_CASE("threads/fib-map: bad lists are usage errors") {
    for (std::string list : {"38,x", "51", "0", ""}) {
        auto r = parcook::test::parcook({"threads", "fib-map", "--list", list});
        INFO("--list '" << list << "': " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("--list") != std::string::npos);
    }
}
