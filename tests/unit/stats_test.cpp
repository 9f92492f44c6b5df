#include "parcook/generator.hpp"
#include "parcook/stats.hpp"
#include "parcook/suggest.hpp"
#include "parcook/team.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <set>

using namespace parcook;

TEST_CASE("stats: min, median, mean, sample stddev and max, samples kept in order") {
    const Stats s = Stats::of({4, 1, 3, 2});
    CHECK(s.samples == std::vector<double>{4, 1, 3, 2});
    CHECK(s.min == 1);
    CHECK(s.max == 4);
    CHECK(s.median == 2.5);
    CHECK(s.mean == 2.5);
    CHECK(s.stddev == Approx(1.2909944));
    CHECK(Stats::of({7}).median == 7);
    CHECK(Stats::of({7}).stddev == 0);
    CHECK(Stats::of({}).samples.empty());
}

TEST_CASE("generator: a pure function of (seed, index)") {
    STATIC_REQUIRE(draw(42, 7) == draw(42, 7));
    CHECK(draw(42, 7) != draw(43, 7));
    CHECK(draw(42, 7) != draw(42, 8));
    double sum = 0;
    for (std::uint64_t i = 0; i < 100000; ++i) {
        const double u = draw_unit(1, i);
        REQUIRE(u >= 0);
        REQUIRE(u < 1);
        sum += u;
    }
    CHECK(sum / 100000 == Approx(0.5).margin(0.01));
    std::set<std::uint64_t> seen;
    for (std::uint64_t i = 0; i < 1000; ++i)
        seen.insert(draw_below(5, i, 100));
    CHECK(seen.size() == 100);
}

TEST_CASE("team: every member runs, blocks cover 0..n-1 exactly once, exceptions propagate") {
    for (unsigned size : {1u, 2u, 3u, 7u}) {
        Team team(size, false);
        std::atomic<unsigned> ran{0};
        std::vector<int> covered(1001, 0);
        team.run([&](unsigned m) {
            ++ran;
            auto [b, e] = block(covered.size(), size, m);
            for (auto i = b; i < e; ++i)
                ++covered[i];
        });
        CHECK(ran == size);
        CHECK(std::all_of(covered.begin(), covered.end(), [](int c) { return c == 1; }));
        CHECK_THROWS_AS(team.run([](unsigned m) {
            if (m + 1 == 1)
                throw std::runtime_error("boom");
        }),
                        std::runtime_error);
    }
}

TEST_CASE("suggestions find the closest names") {
    const std::vector<std::string> names{"vector-sum", "pi", "fib-map", "word-count", "lock"};
    CHECK(closest("vectr-sum", names) == std::vector<std::string>{"vector-sum"});
    CHECK(closest("lokc", names).front() == "lock");
    CHECK(closest("zzzzzzzzzz", names).empty());
    CHECK(edit_distance("kitten", "sitting") == 3);
}
