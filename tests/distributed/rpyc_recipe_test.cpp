// distributed/rpyc: output lands on the server before the redirect and on the client after it;
// the server logs accepted and welcome; the server's pid is not the client's; nothing outside
// the fixed registry runs.
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("rpyc: output on the right side before and after the redirect") {
    const auto r = record_of({"distributed", "rpyc", "--format", "json"});
    CHECK(all_checks_passed(r));
    const auto lines = trace_lines(r);
    const auto count = [&](const std::string& line) {
        return std::count(lines.begin(), lines.end(), line);
    };
    CHECK(count("server: hi python cookbook") == 1);
    CHECK(count("client: hi python cookbook") == 0);
    CHECK(count("client: hi here") == 1);
    CHECK(count("server: hi here") == 0);
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.starts_with("server: server started on [127.0.0.1]:");
    }));
}

TEST_CASE("rpyc --calls measures round trips from several clients, every call checked") {
    const auto r =
        record_of({"distributed", "rpyc", "--calls", "200", "--clients", "4", "--format", "json"});
    CHECK(all_checks_passed(r));
    CHECK(metric(r, "calls_per_second") > 0);
    CHECK(metric(r, "round_trip_p99") >= metric(r, "round_trip_p50"));
}
