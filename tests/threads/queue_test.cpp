#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/queue: every item consumed once, join() after all task_done(), threads end") {
    for (std::string consumers : {"1", "3", "5"}) {
        auto r = record_of(
            {"threads", "queue", "--items", "30", "--consumers", consumers, "--period", "1ms"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "produced").to_number<int>() == 30);
        CHECK(field(r, "consumed").to_number<int>() == 30);
        CHECK(field(r, "task_done_at_join").to_number<int>() == 30);
        CHECK(field(r, "consumers_ended").to_number<int>() == std::stoi(consumers));
        CHECK(field(r, "per_consumer").as_array().size() == std::stoul(consumers));
        std::vector<std::string> appended, popped;
        for (const auto& line : trace_texts(r)) {
            if (line.starts_with("item N°"))
                appended.push_back(line.substr(8, line.find(' ', 8) - 8));
            if (line.find(" popped from queue by ") != std::string::npos)
                popped.push_back(line.substr(0, line.find(' ')));
        }
        std::sort(appended.begin(), appended.end());
        std::sort(popped.begin(), popped.end());
        CHECK(appended.size() == 30);
        CHECK(appended == popped);
    }
}
