// async/event-loop, coroutines-fsm, tasks and futures: each recipe's Verify rule, read back from
// its record, plus the failure, cancellation and blocking-sleep paths. All delays are short.
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <regex>

using namespace parcook::test;

TEST_CASE("async/event-loop: ceil(duration / period) calls cycling 1, 2, 3 on one thread") {
    const auto r = record_of({"async", "event-loop", "--duration", "300ms", "--period", "50ms"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "calls").to_number<int>() == 6);
    const auto lines = trace_texts(r);
    REQUIRE(lines.size() == 6);
    for (std::size_t i = 0; i < lines.size(); ++i)
        CHECK(lines[i] == "function_" + std::to_string(i % 3 + 1) + " called");
    const auto odd = record_of(
        {"async", "event-loop", "--duration", "250ms", "--period", "100ms", "--functions", "2"});
    CHECK(field(odd, "calls").to_number<int>() == 3);
}

TEST_CASE("async/coroutines-fsm: the path follows the table, the same seed gives the same path") {
    const std::map<std::string, std::map<char, std::string>> table{
        {"Start State", {{'0', "State 2"}, {'1', "State 1"}}},
        {"State 1", {{'0', "State 3"}, {'1', "State 2"}}},
        {"State 2", {{'0', "State 1"}, {'1', "State 3"}}},
        {"State 3", {{'0', "State 1"}, {'1', "End State"}}}};
    std::string first;
    for (std::string seed : {"1", "2", "3", "1"}) {
        const auto r = record_of({"async", "coroutines-fsm", "--delay", "4ms", "--seed", seed});
        CHECK(all_checks_passed(r));
        const std::string path(field(r, "path").as_string());
        // "Start State -1-> State 1 -0-> State 3 -1-> End State", checked hop by hop
        const std::regex hop(R"(([A-Za-z0-9 ]+?) -([01])-> (?=([A-Za-z0-9 ]+?)(?: -|$)))");
        std::size_t hops = 0;
        for (auto it = std::sregex_iterator(path.begin(), path.end(), hop);
             it != std::sregex_iterator(); ++it, ++hops)
            CHECK(table.at((*it)[1]).at((*it)[2].str()[0]) == (*it)[3].str());
        CHECK(hops == field(r, "hops").to_number<std::size_t>());
        CHECK(path.ends_with("State 3 -1-> End State"));
        if (seed == "1" && first.empty())
            first = path;
        else if (seed == "1")
            CHECK(path == first);
    }
}

TEST_CASE("async/coroutines-fsm: a blocking sleep stalls the loop, shown and bounded") {
    const Run run = parcook::test::parcook(
        {"async", "coroutines-fsm", "--delay", "4ms", "--blocking-sleep", "--format", "json"},
        std::chrono::seconds(30));
    REQUIRE(run.code == 0);
    const auto r = run.record();
    CHECK(field(r, "heartbeat_ticks").to_number<int>() == 0);
    const auto normal = record_of({"async", "coroutines-fsm", "--delay", "4ms"});
    CHECK(field(normal, "heartbeat_ticks").to_number<int>() >=
          field(normal, "hops").to_number<int>());
}

TEST_CASE("async/tasks: exact results, interleaved steps, one thread, about 10 steps long") {
    const auto r = record_of({"async", "tasks", "--step", "20ms"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "factorial") == "3628800");
    CHECK(field(r, "fibonacci") == "55");
    CHECK(field(r, "binomial") == "184756");
    CHECK(metric(r, "seconds") < 1.5 * 10 * 0.020);
}

TEST_CASE("async/tasks: an exception reaches the awaiting code, a cancelled task says so") {
    const auto failed = record_of({"async", "tasks", "--step", "10ms", "--fail", "3"});
    CHECK(all_checks_passed(failed));
    CHECK(field(failed, "factorial") == "exception: factorial failed at step 3");
    CHECK(field(failed, "fibonacci") == "55");
    const auto cancelled = record_of({"async", "tasks", "--step", "10ms", "--cancel", "4"});
    CHECK(all_checks_passed(cancelled));
    CHECK(field(cancelled, "fibonacci") == "cancelled");
    CHECK(field(cancelled, "binomial") == "184756");
}

TEST_CASE("async/futures: results, one callback each on the loop thread, in order of delay") {
    const auto r = record_of({"async", "futures", "1", "10", "--d1", "20ms", "--d2", "10ms"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "first") == "first coroutine (sum of N integers) result = 1");
    CHECK(field(r, "second") == "second coroutine (factorial) result = 3628800");
    const auto lines = trace_lines(r);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].starts_with("future1")); // 1 x 20 ms before 9 x 10 ms
    const auto later = record_of({"async", "futures", "5", "2", "--d1", "20ms", "--d2", "10ms"});
    CHECK(trace_lines(later)[0].starts_with("future2")); // 1 x 10 ms before 5 x 20 ms
}

TEST_CASE("async/futures: an exception and a cancellation complete the future once") {
    const auto failed =
        record_of({"async", "futures", "3", "3", "--d1", "5ms", "--d2", "5ms", "--fail"});
    CHECK(all_checks_passed(failed));
    CHECK(field(failed, "first") == "exception: first coroutine failed");
    const auto cancelled =
        record_of({"async", "futures", "3", "3", "--d1", "5ms", "--d2", "20ms", "--cancel"});
    CHECK(all_checks_passed(cancelled));
    CHECK(field(cancelled, "second") == "cancelled");
    const Run bad = parcook::test::parcook({"async", "futures", "3", "21"});
    CHECK(bad.code == 2);
    CHECK(bad.out.empty());
}
