// distributed/csp: 0..limit-1 printed and the program exits; the rendezvous trace rule with
// buffer 0, at most N ahead with --buffer N; the same over two processes; the rule checker
// itself catches a write that completed too early.
#include "distributed/support/csp_channel.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

using namespace parcook::test;
using parcook::csp::Event;

namespace {

std::vector<Event> read_trace(const std::string& path) {
    std::ifstream in(path);
    std::vector<Event> events;
    for (std::string line; std::getline(in, line);) {
        auto e = Event::parse(line);
        REQUIRE(e);
        events.push_back(*e);
    }
    return events;
}

void check_trace(const std::vector<std::string>& extra, std::int64_t limit, std::int64_t buffer) {
    const std::string path = "/tmp/parcook-csp-test-" + std::to_string(::getpid()) + ".jsonl";
    std::vector<std::string> args{"distributed", "csp", "--trace", path, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = record_of(args);
    CHECK(all_checks_passed(r));
    const auto events = read_trace(path);
    ::unlink(path.c_str());
    CHECK(parcook::csp::broken_rule(events, limit, buffer).empty());
    REQUIRE(!events.empty());
    CHECK(events.back().kind == "DoneParallel");
    CHECK(std::count_if(events.begin(), events.end(),
                        [&](const Event& e) { return e.kind == "Poison" && e.id == limit; }) == 1);
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const Event& e) { return e.kind == "QuitProcess"; }) == 2);
}

} // namespace

TEST_CASE("csp prints 0..limit-1 and exits") {
    const auto r = record_of({"distributed", "csp", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "printed") == "0 1 2 3 4");
    CHECK(field(record_of({"distributed", "csp", "--limit", "0", "--format", "json"}), "printed") ==
          "");
}

TEST_CASE("csp trace: rendezvous with buffer 0, at most N ahead with --buffer N") {
    check_trace({"--limit", "3"}, 3, 0);
    check_trace({"--limit", "200"}, 200, 0);
    check_trace({"--limit", "200", "--buffer", "4"}, 200, 4);
}

TEST_CASE("csp --processes: the printer in another process, the same output and trace rule") {
    const auto r = record_of({"distributed", "csp", "--processes", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "printed") == "0 1 2 3 4");
    check_trace({"--processes", "--limit", "50"}, 50, 0);
    check_trace({"--processes", "--limit", "50", "--buffer", "3"}, 50, 3);
}

TEST_CASE("the trace rule catches a write that completed before its read began") {
    std::vector<Event> events{{1, "counter", "BlockOnWrite", 0},
                              {2, "counter", "DoneWrite", 0},
                              {3, "printer", "BlockOnRead", 0},
                              {4, "printer", "DoneRead", 0}};
    CHECK(parcook::csp::broken_rule(events, 1, 0) == "DoneWrite(0) before BlockOnRead(0)");
    CHECK(parcook::csp::broken_rule(events, 1, 1).empty());
    CHECK(parcook::csp::broken_rule(events, 2, 1) == "no BlockOnWrite for id 1");
}
