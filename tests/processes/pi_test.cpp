#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("processes/pi: hits equal a serial count whatever the workers and ranges") {
    auto one = record_of({"processes", "pi", "--n", "200000", "--workers", "1", "-r", "2"});
    auto three = record_of(
        {"processes", "pi", "--n", "200000", "--workers", "3", "--tasks", "7", "-r", "2"});
    CHECK(all_checks_passed(one));
    CHECK(all_checks_passed(three));
    CHECK(field(one, "result") == field(three, "result"));
    CHECK(field(three, "tasks").to_number<int>() == 7);
    CHECK(field(one, "tasks").to_number<int>() == 4); // 4 per worker by default
    const double estimate = field(one, "pi_estimate").to_number<double>();
    CHECK(estimate == Approx(3.14159).epsilon(0.01));
    CHECK(metric(one, "samples_per_second") > 0);
    // a different seed draws different samples
    auto other = record_of({"processes", "pi", "--n", "200000", "--seed", "7", "-r", "1"});
    CHECK(field(other, "result") != field(one, "result"));
}

TEST_CASE("processes/pi: more ranges than samples and no samples") {
    auto r = record_of({"processes", "pi", "--n", "3", "--tasks", "10", "-r", "1"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "tasks").to_number<int>() == 3);
    const Run none = parcook::test::parcook({"processes", "pi", "--n", "0"});
    CHECK(none.code == 2);
    CHECK(none.out.empty());
}
