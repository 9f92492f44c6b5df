#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {
std::vector<std::uint64_t> values(const boost::json::object& record) {
    std::vector<std::uint64_t> v;
    for (const auto& x : field(record, "result").as_array())
        v.push_back(x.to_number<std::uint64_t>());
    return v;
}
} // namespace

TEST_CASE("processes/fib-map: the wiki's list in input order with a pool and with --seq") {
    const std::vector<std::uint64_t> expected{39088169, 24157817, 14930352,
                                              9227465,  5702887,  3524578};
    auto pool = record_of({"processes", "fib-map", "--workers", "2", "--repeat", "1"});
    CHECK(all_checks_passed(pool));
    CHECK(values(pool) == expected);
    CHECK(field(pool, "checksum").to_number<std::uint64_t>() == 96631268);
    CHECK(field(pool, "parallelism").to_number<int>() == 2);
    CHECK(field(pool, "tasks").to_number<int>() == 6);
    CHECK(metric(pool, "pool_start") > 0);
    CHECK(metric(pool, "seconds_with_pool") >= metric(pool, "seconds"));
    CHECK(metric(pool, "tasks_per_second") > 0);

    auto seq = record_of({"processes", "fib-map", "--seq", "--repeat", "1"});
    CHECK(all_checks_passed(seq));
    CHECK(values(seq) == expected);
    CHECK(field(seq, "parallelism").to_number<int>() == 1);
}

TEST_CASE("processes/fib-map: --list and --n repeat an uneven list") {
    auto r = record_of(
        {"processes", "fib-map", "--list", "20,1,10,2", "--n", "3", "--workers", "3", "-r", "2"});
    CHECK(all_checks_passed(r));
    const std::vector<std::uint64_t> once{6765, 1, 55, 1};
    std::vector<std::uint64_t> expected;
    for (int i = 0; i < 3; ++i)
        expected.insert(expected.end(), once.begin(), once.end());
    CHECK(values(r) == expected);
    CHECK(field(r, "tasks").to_number<int>() == 12);
}

TEST_CASE("processes/fib-map: a lost item is named - never a hole in the list") {
    const Run r =
        parcook::test::parcook({"processes", "fib-map", "--list", "25,24,23", "--crash-on", "1",
                                "--retries", "0", "--format", "json", "-r", "1"});
    REQUIRE(r.code == 1);
    auto record = r.record();
    bool named = false;
    for (const auto& c : record.at("checks").as_array())
        if (!c.at("passed").as_bool())
            named = std::string(c.at("detail").as_string()).starts_with("item 1 lost");
    CHECK(named);
    CHECK_FALSE(record.at("fields").as_object().contains("result"));
}

TEST_CASE("processes/fib-map: bad --list is refused before any output") {
    for (std::string list : {"", "38,x", "0", "51"}) {
        const Run r = parcook::test::parcook({"processes", "fib-map", "--list", list});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
    }
}
