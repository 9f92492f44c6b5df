// async/gather and the jobs behind it: every task completes exactly once on one or two loop
// threads, values come back in index order, and an exception in one job reaches the gatherer
// after all the others have finished.
#include "async/support/jobs.hpp"
#include "async/support/loop.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace parcook::test;
namespace async = parcook::async;

TEST_CASE("async/gather: jobs and co_spawn'ed tasks all complete once, on 1 and 2 threads") {
    for (const char* threads : {"1", "2"}) {
        const auto r = record_of({"async", "gather", "--n", "20000", "-t", threads});
        CHECK(all_checks_passed(r));
        CHECK(metric(r, "tasks_per_second") > 0);
        CHECK(metric(r, "co_spawn_tasks_per_second") > 0);
    }
}

namespace {
async::job<int> square_after_yield(async::Executor loop, int i, int fail_at) {
    co_await async::yield_to{loop};
    if (i == fail_at)
        throw std::runtime_error("job " + std::to_string(i) + " failed");
    co_return i* i;
}

std::vector<int> gather_squares(int count, int fail_at, unsigned threads) {
    return async::run_loop(
        [&]() -> async::task<std::vector<int>> {
            const async::Executor loop = co_await async::current_loop();
            co_return co_await async::gather_jobs(loop, count, [&, loop](std::size_t i) {
                return square_after_yield(loop, static_cast<int>(i), fail_at);
            });
        },
        threads);
}
} // namespace

TEST_CASE("gather_jobs: values in index order, the first exception is rethrown to the gatherer") {
    for (unsigned threads : {1u, 2u}) {
        const std::vector<int> squares = gather_squares(1000, -1, threads);
        REQUIRE(squares.size() == 1000);
        for (int i = 0; i < 1000; ++i)
            CHECK(squares[static_cast<std::size_t>(i)] == i * i);
        CHECK_THROWS_WITH(gather_squares(1000, 500, threads), "job 500 failed");
        CHECK(gather_squares(0, -1, threads).empty());
    }
}
