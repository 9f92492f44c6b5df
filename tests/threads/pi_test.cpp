#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace parcook::test;

TEST_CASE("threads/pi: hits identical for every thread count, estimate near pi") {
    std::vector<boost::json::object> records;
    for (std::string threads : {"1", "2", "3"}) {
        records.push_back(record_of({"threads", "pi", "--n", "200003", "-t", threads, "-r", "2"}));
        const auto& r = records.back();
        CHECK(all_checks_passed(r));
        CHECK(field(r, "workload") == "pi");
        CHECK(field(r, "parallelism").to_number<int>() == std::stoi(threads));
        CHECK(std::abs(field(r, "pi_estimate").to_number<double>() - M_PI) < 0.03);
        CHECK(metric(r, "samples_per_second") > 0);
    }
    CHECK(field(records[0], "result") == field(records[1], "result"));
    CHECK(field(records[0], "result") == field(records[2], "result"));
    // another seed draws other samples
    auto other = record_of({"threads", "pi", "--n", "200003", "--seed", "7"});
    CHECK(field(other, "result") != field(records[0], "result"));
}

TEST_CASE("threads/pi: zero samples is a usage error") {
    auto r = parcook::test::parcook({"threads", "pi", "--n", "0"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--n") != std::string::npos);
}
