#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {
int number(const boost::json::object& r, const char* name) {
    return field(r, name).to_number<int>();
}
} // namespace

TEST_CASE("threads/event: every produced item is consumed, then the program exits") {
    auto r = record_of({"threads", "event", "--items", "20", "--period", "2ms"});
    CHECK(all_checks_passed(r));
    CHECK(number(r, "produced") == 20);
    CHECK(number(r, "consumed") == 20);
    CHECK(number(r, "left") == 0);
    // the multiset of popped items equals the appended one
    std::vector<std::string> appended, popped;
    for (const auto& line : trace_texts(r)) {
        if (line.starts_with("item N° "))
            appended.push_back(line.substr(9, line.find(' ', 9) - 9));
        if (line.ends_with(" popped from list by consumer"))
            popped.push_back(line.substr(0, line.find(' ')));
    }
    std::sort(appended.begin(), appended.end());
    std::sort(popped.begin(), popped.end());
    CHECK(appended.size() == 20);
    CHECK(appended == popped);
}

TEST_CASE("threads/event: --book-mode loses wake-ups and still terminates") {
    auto run = parcook::test::parcook(
        {"threads", "event", "--items", "20", "--period", "5ms", "--book-mode", "--format", "json"},
        std::chrono::seconds(10));
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.code == 0);
    auto r = run.record();
    CHECK(all_checks_passed(r));
    CHECK(number(r, "produced") == 20);
    CHECK(number(r, "consumed") + number(r, "left") == 20);
    CHECK((number(r, "left") > 0 || number(r, "signals_missed") > 0));
    int cleared = 0;
    for (const auto& line : trace_texts(r))
        cleared += line == "event cleared by producer";
    CHECK(cleared == 20);
}
