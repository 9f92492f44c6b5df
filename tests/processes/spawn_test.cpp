#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace parcook::test;

namespace {

struct Lifetimes {
    std::vector<int> order;           // indices in the order their first line appeared
    std::map<int, double> begin, end; // per index
    std::set<std::string> pids;
};

// Reads the children's lines back from the record: "Process-<i+1>" says
// "called function in process: i", then "pid <pid> done".
Lifetimes lifetimes(const boost::json::object& record) {
    Lifetimes l;
    for (const auto& v : record.at("trace").as_array()) {
        const std::string who(v.at("who").as_string()), text(v.at("text").as_string());
        if (!who.starts_with("Process-"))
            continue;
        const int i = std::stoi(who.substr(8)) - 1;
        const double t = v.at("t").to_number<double>();
        if (text.starts_with("called function in process: ")) {
            CHECK(text == "called function in process: " + std::to_string(i));
            l.order.push_back(i);
            l.begin[i] = t;
        } else {
            REQUIRE(text.starts_with("pid "));
            l.pids.insert(text.substr(4, text.find(' ', 4) - 4));
            l.end[i] = t;
        }
    }
    return l;
}

} // namespace

TEST_CASE("processes/spawn: each child prints its index once and in order from its own pid") {
    const std::string start = GENERATE("spawn", "fork");
    auto r = record_of({"processes", "spawn", "--start", start});
    CHECK(all_checks_passed(r));
    const Lifetimes l = lifetimes(r);
    CHECK(l.order == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(l.pids.size() == 5);
    CHECK(metric(r, "spawn_join_latency") > 0);
    CHECK(r.at("params").at("start").as_string() == start);
    if (start == "fork")
        CHECK(field(r, "threads_at_fork").to_number<int>() >= 1);
}

TEST_CASE("processes/spawn: --concurrent children overlap") {
    const std::string start = GENERATE("spawn", "fork");
    auto r =
        record_of({"processes", "spawn", "--start", start, "--concurrent", "--sleep", "300ms"});
    CHECK(all_checks_passed(r));
    const Lifetimes l = lifetimes(r);
    REQUIRE(l.begin.size() == 5);
    REQUIRE(l.end.size() == 5);
    for (int i = 1; i < 5; ++i)
        CHECK(l.begin.at(i) < l.end.at(i - 1));
    // joined in the loop (the book's code) they do not overlap
    auto serial = record_of({"processes", "spawn", "--start", start, "--sleep", "50ms"});
    const Lifetimes s = lifetimes(serial);
    for (int i = 1; i < 5; ++i)
        CHECK(s.begin.at(i) >= s.end.at(i - 1));
}

TEST_CASE("processes/spawn: latency over many children with --quiet") {
    auto r = record_of({"processes", "spawn", "--start", "fork", "--children", "200", "--quiet"});
    CHECK(all_checks_passed(r));
    CHECK(lifetimes(r).pids.size() == 200);
    const double latency = metric(r, "spawn_join_latency");
    CHECK(latency > 0);
    CHECK(latency < 0.1);
    CHECK(r.at("timing").at("samples").as_array().size() == 200);
}

TEST_CASE("processes/spawn: bad options are refused before any output") {
    for (std::vector<std::string> bad : {std::vector<std::string>{"--start", "vfork"},
                                         {"--children", "0"},
                                         {"--children", "5000"},
                                         {"--sleep", "-1s"},
                                         {"--workers", "0"},
                                         {"--workers", "100000"}}) {
        std::vector<std::string> args{"processes", "spawn"};
        args.insert(args.end(), bad.begin(), bad.end());
        const Run r = parcook::test::parcook(args);
        INFO(bad[0] << " " << bad[1] << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("--" + bad[0].substr(2)) != std::string::npos);
    }
}

TEST_CASE("processes/spawn: --concurrent without --sleep overlaps by default") {
    for (const char* start : {"spawn", "fork"}) {
        INFO(start);
        auto r = record_of({"processes", "spawn", "--start", start, "--concurrent"});
        CHECK(all_checks_passed(r));
        CHECK(r.at("params").at("sleep_s").to_number<double>() >= 0.1);
    }
}

TEST_CASE("processes/spawn: --concurrent with a sleep too short to overlap is refused") {
    const Run r = parcook::test::parcook({"processes", "spawn", "--concurrent", "--sleep", "0"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("parcook: --sleep: "));
}
