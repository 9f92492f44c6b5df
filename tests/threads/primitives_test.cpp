#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/primitives: six primitives pass their two-thread smoke test") {
    auto r = record_of({"threads", "primitives", "--timeout", "500ms"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "hardware_concurrency").to_number<int>() >= 1);
    const auto& table = field(r, "primitives").as_array();
    REQUIRE(table.size() == 6);
    std::vector<std::string> names;
    for (const auto& row : table) {
        names.emplace_back(row.at("python").as_string());
        CHECK(row.at("ok").as_bool());
    }
    CHECK(names ==
          std::vector<std::string>{"Thread", "Lock", "RLock", "Semaphore", "Condition", "Event"});
    // one check per primitive, each named after it
    const auto& checks = r.at("checks").as_array();
    REQUIRE(checks.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(std::string(checks[i].at("what").as_string()).starts_with(names[i] + ":"));
        CHECK(checks[i].at("passed").as_bool());
    }
    // the printed table: the core count, a header and one row per primitive
    CHECK(trace_texts(r).size() == 8);
}
