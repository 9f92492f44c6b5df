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
