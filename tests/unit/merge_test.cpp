#include "parcook/merge.hpp"

#include <catch2/catch.hpp>

using namespace parcook;

TEST_CASE("merge: trace in process order, a rule passes only where it passed everywhere") {
    std::vector<Share> shares{
        {{{0.1, "rank 0", "a"}}, {{"sum", true, "s = 6"}, {"order", true, ""}}, {{"rank", 0}}},
        {{{0.05, "rank 1", "b"}, {0.2, "rank 1", "c"}},
         {{"sum", false, "s = 7"}, {"own", true, "x"}},
         {{"rank", 1}}},
        {{}, {{"sum", false, "s = 8"}}, {{"rank", 2}}},
    };
    // every share survives the trip as bytes
    for (Share& s : shares) {
        const Share back = decode_share(encode(s));
        CHECK(back.trace.size() == s.trace.size());
        CHECK(back.checks.size() == s.checks.size());
        CHECK(back.detail == s.detail);
        s = back;
    }
    const Merged m = merge(shares, "rank");
    REQUIRE(m.trace.size() == 3);
    CHECK(m.trace[0].text == "a");
    CHECK(m.trace[1].text == "b");
    CHECK(m.trace[2].text == "c");
    CHECK(m.trace[1].t == 0.05); // each line keeps its own process's time
    REQUIRE(m.checks.size() == 3);
    CHECK(m.checks[0].what == "sum");
    CHECK_FALSE(m.checks[0].passed);
    CHECK(m.checks[0].detail == "rank 1: s = 7; rank 2: s = 8");
    CHECK(m.checks[1].what == "order");
    CHECK(m.checks[1].passed);
    CHECK(m.checks[2].what == "own");
    CHECK(m.checks[2].passed);
    CHECK(m.checks[2].detail == "x");
    REQUIRE(m.detail.size() == 3);
    CHECK(m.detail[2].at("rank") == 2);
    CHECK_THROWS_AS(decode_share("{\"trace\": 1}"), std::invalid_argument);
}
