#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/semaphore: each round waits, produces, then consumes the same item") {
    auto r = record_of({"threads", "semaphore", "--rounds", "3", "--sleep", "100ms"});
    CHECK(all_checks_passed(r));
    const auto produced = field(r, "produced").as_array();
    CHECK(produced.size() == 3);
    CHECK(field(r, "consumed").as_array() == produced);
    const auto lines = trace_texts(r);
    REQUIRE(lines.size() == 3 * 3 + 1);
    for (std::size_t round = 0; round < 3; ++round) {
        const auto item = std::to_string(produced[round].to_number<int>());
        CHECK(lines[3 * round] == "consumer is waiting.");
        CHECK(lines[3 * round + 1] == "producer notify : produced item number " + item);
        CHECK(lines[3 * round + 2] == "Consumer notify : consumed item number " + item);
    }
    CHECK(lines.back() == "program terminated");
}

TEST_CASE("threads/semaphore: --deadlock is detected within its timeout") {
    auto run = parcook::test::parcook(
        {"threads", "semaphore", "--deadlock", "--timeout", "100ms", "--format", "json"},
        std::chrono::seconds(10));
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.code == 0);
    auto r = run.record();
    CHECK(all_checks_passed(r));
    const int timed_out = field(r, "timed_out").to_number<int>();
    CHECK(timed_out >= 1);
    CHECK(timed_out <= 2);
    CHECK(metric(r, "demo_seconds") >= 0.1);
    CHECK(metric(r, "demo_seconds") < 5);
    int deadlock_lines = 0;
    for (const auto& line : trace_texts(r))
        deadlock_lines += line.find("deadlock") != std::string::npos;
    CHECK(deadlock_lines == timed_out);
}

TEST_CASE("threads/semaphore: the order holds without a sleep (--sleep 0)") {
    for (int run = 0; run < 5; ++run) {
        auto r = record_of({"threads", "semaphore", "--rounds", "20", "--sleep", "0"});
        CHECK(all_checks_passed(r));
        const auto lines = trace_texts(r);
        REQUIRE(lines.size() == 3 * 20 + 1);
        for (std::size_t round = 0; round < 20; ++round)
            CHECK(lines[3 * round] == "consumer is waiting.");
    }
}
