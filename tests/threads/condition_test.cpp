#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {
int number(const boost::json::object& r, const char* name) {
    return field(r, name).to_number<int>();
}
} // namespace

TEST_CASE("threads/condition: the book's shape scaled down, all items through, buffer bounded") {
    auto r =
        record_of({"threads", "condition", "--producer-period", "2ms", "--consumer-period", "4ms"});
    CHECK(all_checks_passed(r));
    CHECK(number(r, "produced") == 20);
    CHECK(number(r, "consumed") == 20);
    CHECK(number(r, "final_size") == 0);
    CHECK(number(r, "peak") <= 10);
    int produced_lines = 0, consumed_lines = 0;
    for (const auto& line : trace_texts(r)) {
        produced_lines += line.starts_with("total items produced");
        consumed_lines += line == "consumed 1 item";
    }
    CHECK(produced_lines == 20);
    CHECK(consumed_lines == 20);
}

TEST_CASE("threads/condition: a fast producer fills the buffer and waits") {
    auto r = record_of({"threads", "condition", "--producer-period", "0", "--consumer-period",
                        "10ms", "--items", "50"});
    CHECK(all_checks_passed(r));
    CHECK(number(r, "peak") == 10);
    CHECK(number(r, "producer_waits") > 0);
    CHECK(number(r, "consumed") == 50);
    bool stopped = false;
    for (const auto& line : trace_texts(r))
        stopped = stopped || line == "stop the production!!";
    CHECK(stopped);
    // the check that proves it ran
    bool checked = false;
    for (const auto& c : r.at("checks").as_array())
        checked = checked || c.at("what").as_string().starts_with("fast producer");
    CHECK(checked);
}

TEST_CASE("threads/condition: bad sizes are usage errors") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--capacity", "0"}, {"--items", "-1"}, {"--producer-period", "soon"}}) {
        args.insert(args.begin(), {"threads", "condition"});
        auto r = parcook::test::parcook(args);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(args[2]) != std::string::npos);
    }
}

TEST_CASE("threads/condition: --book-if with two producers overflows the buffer, and says so") {
    const Run run =
        parcook::test::parcook({"threads", "condition", "--book-if", "--producer-period", "0",
                                "--consumer-period", "2ms", "--items", "30", "--format", "json"},
                               std::chrono::seconds(30));
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.code == 0);
    auto r = run.record();
    CHECK(all_checks_passed(r));
    CHECK(number(r, "producers") == 2);
    CHECK(number(r, "peak") > 10);
    CHECK(number(r, "consumed") == 60);
    CHECK(number(r, "final_size") == 0);
    bool overflow_checked = false;
    for (const auto& c : r.at("checks").as_array())
        overflow_checked = overflow_checked || c.at("what").as_string().starts_with("--book-if");
    CHECK(overflow_checked);
}

TEST_CASE("threads/condition: without --book-if the occupancy check is there and holds") {
    auto r = record_of({"threads", "condition", "--producer-period", "0", "--consumer-period",
                        "2ms", "--items", "30"});
    CHECK(all_checks_passed(r));
    CHECK(number(r, "producers") == 1);
    bool bounded_checked = false;
    for (const auto& c : r.at("checks").as_array())
        bounded_checked =
            bounded_checked || c.at("what").as_string() == "occupancy always within [0, capacity]";
    CHECK(bounded_checked);
}
