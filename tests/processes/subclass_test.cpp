#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <set>

namespace parcook::test {

TEST_CASE("processes/subclass: MyProcess-1..n run in order, each in its own process") {
    for (int n : {5, 3}) {
        auto r = record_of({"processes", "subclass", "--processes", std::to_string(n)});
        CHECK(all_checks_passed(r));
        std::vector<std::string> expected;
        std::set<std::string> pids;
        for (int i = 1; i <= n; ++i)
            expected.push_back(fmt::format("MyProcess-{}: called run method in process: "
                                           "MyProcess-{}",
                                           i, i));
        std::vector<std::string> got;
        for (const std::string& l : trace_lines(r)) {
            got.push_back(l.substr(0, l.find(" (pid ")));
            pids.insert(l.substr(l.find(" (pid ")));
        }
        CHECK(got == expected);
        CHECK(pids.size() == static_cast<std::size_t>(n));
    }
}

} // namespace parcook::test
