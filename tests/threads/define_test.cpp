#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {

struct Interval {
    double start, end;
};

std::vector<Interval> intervals(const boost::json::object& r) {
    std::vector<Interval> v;
    for (const auto& i : field(r, "intervals").as_array())
        v.push_back({i.as_array()[0].to_number<double>(), i.as_array()[1].to_number<double>()});
    return v;
}

// The ids in the order their lines were printed.
std::vector<int> printed(const boost::json::object& r) {
    std::vector<int> ids;
    for (const std::string& t : trace_texts(r)) {
        REQUIRE(t.starts_with("function called by thread "));
        ids.push_back(std::stoi(t.substr(t.rfind(' ') + 1)));
    }
    return ids;
}

} // namespace

TEST_CASE("threads/define: every id once and started together the threads overlap") {
    for (std::string threads : {"5", "8"}) {
        auto r = record_of({"threads", "define", "--sleep", "200ms", "-t", threads});
        CHECK(all_checks_passed(r));
        auto ids = printed(r);
        std::sort(ids.begin(), ids.end());
        std::vector<int> expected(std::stoul(threads));
        for (std::size_t i = 0; i < expected.size(); ++i)
            expected[i] = static_cast<int>(i);
        CHECK(ids == expected);
        const auto spans = intervals(r);
        REQUIRE(spans.size() == expected.size());
        double latest_start = 0, earliest_end = 1e9;
        for (const Interval& s : spans) {
            latest_start = std::max(latest_start, s.start);
            earliest_end = std::min(earliest_end, s.end);
        }
        CHECK(latest_start < earliest_end);
    }
}

TEST_CASE("threads/define: --serial (the book's loop) prints in order one at a time") {
    auto r = record_of({"threads", "define", "--sleep", "10ms", "--serial"});
    CHECK(all_checks_passed(r));
    CHECK(printed(r) == std::vector<int>{0, 1, 2, 3, 4});
    const auto spans = intervals(r);
    REQUIRE(spans.size() == 5);
    for (std::size_t i = 1; i < spans.size(); ++i)
        CHECK(spans[i - 1].end <= spans[i].start);
}

TEST_CASE("threads/define: bad values are usage errors") {
    for (auto args : {std::vector<std::string>{"--sleep", "0"}, {"--sleep", "later"}}) {
        std::vector<std::string> full{"threads", "define"};
        full.insert(full.end(), args.begin(), args.end());
        const Run r = parcook::test::parcook(full, std::chrono::seconds(10));
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("--sleep") != std::string::npos);
    }
}
