#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace parcook::test;

namespace {
// (primitive, thread) for every "acquired" line of the trace.
void check_lines(const boost::json::object& r) {
    std::set<std::string> threads;
    std::map<std::string, int> per_primitive;
    int lines = 0;
    for (const auto& line : r.at("trace").as_array()) {
        const std::string text(line.at("text").as_string());
        if (text.find(" acquired ") == std::string::npos)
            continue;
        ++lines;
        threads.insert(std::string(line.at("who").as_string()));
        ++per_primitive[text.substr(0, text.find_first_of(" ("))];
    }
    CHECK(lines == 8);
    CHECK(threads.size() == 8);
    CHECK(per_primitive == std::map<std::string, int>{
                               {"Condition", 2}, {"Lock", 2}, {"RLock", 2}, {"Semaphore", 2}});
}
} // namespace

TEST_CASE("threads/with: 8 lines, 2 per primitive, 8 threads, primitives free afterwards") {
    auto r = record_of({"threads", "with"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "thrown").to_number<int>() == 0);
    check_lines(r);
    bool owner_shown = false;
    for (const auto& line : trace_lines(r))
        owner_shown = owner_shown || line.find("RLock(owner=Thread-") != std::string::npos;
    CHECK(owner_shown);
}

TEST_CASE("threads/with: --throw releases every primitive") {
    auto r = record_of({"threads", "with", "--throw"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "thrown").to_number<int>() == 8);
    check_lines(r);
}
