// async/pool-executor: every mode yields the pairs (x, iters * x) for x = 1..10, with and without
// the emulated GIL, on thread and process pools of any size.
#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("async/pool-executor: sequential, thread pool and process pool agree") {
    for (std::vector<std::string> extra :
         {std::vector<std::string>{}, {"--gil"}, {"--workers", "2"}, {"--workers", "1"}}) {
        std::vector<std::string> args{"async", "pool-executor", "--iters", "1e6"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = record_of(args);
        CHECK(all_checks_passed(r));
        CHECK(r.at("checks").as_array().size() == 3);
        const auto lines = trace_texts(r);
        CHECK(std::count(lines.begin(), lines.end(), "item 10 result 10000000") == 3);
        CHECK(metric(r, "thread_pool_seconds") > 0);
        CHECK(metric(r, "process_pool_seconds") > 0);
    }
    const auto bad = parcook::test::parcook({"async", "pool-executor", "--iters", "0"});
    CHECK(bad.code == 2);
}
