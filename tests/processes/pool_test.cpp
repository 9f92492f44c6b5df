#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace parcook::test;

namespace {

// The book's output line: "Pool : [0, 1, 4, ...]".
std::vector<long long> pool_line(const boost::json::object& record) {
    for (const std::string& text : trace_texts(record)) {
        if (!text.starts_with("Pool : ["))
            continue;
        std::vector<long long> v;
        std::istringstream in(text.substr(8));
        for (long long x; in >> x;) {
            v.push_back(x);
            in.ignore(2); // ", " or "]"
        }
        return v;
    }
    FAIL("no 'Pool :' line");
    return {};
}

std::set<long long> worker_pids(const boost::json::object& record) {
    std::set<long long> pids;
    for (const auto& p : field(record, "worker_pids").as_array())
        pids.insert(p.to_number<long long>());
    return pids;
}

} // namespace

TEST_CASE("processes/pool: map returns the squares of 0..99 in order") {
    auto r = record_of({"processes", "pool"}); // the book: Pool(processes=4), range(100)
    CHECK(all_checks_passed(r));
    std::vector<long long> expected;
    for (long long i = 0; i < 100; ++i)
        expected.push_back(i * i);
    CHECK(pool_line(r) == expected);
    CHECK(r.at("params").at("workers").to_number<int>() == 4);
    CHECK(r.at("params").at("chunk").to_number<int>() == 7); // Python: divmod(100, 16) -> 7
    const auto pids = worker_pids(r);
    CHECK(pids.size() >= 2);
    CHECK(pids.size() <= 4);
    CHECK_FALSE(pids.contains(static_cast<long long>(::getpid())));
    CHECK_FALSE(r.at("fields").as_object().contains("faults")); // written only when there were some
}

TEST_CASE("processes/pool: the work spreads over at most --workers processes") {
    auto one = record_of({"processes", "pool", "--workers", "1"});
    CHECK(all_checks_passed(one));
    CHECK(worker_pids(one).size() == 1);
    auto two = record_of({"processes", "pool", "--workers", "2", "--n", "10", "--chunk", "1"});
    CHECK(all_checks_passed(two));
    CHECK(two.at("params").at("chunks").to_number<int>() == 10);
    CHECK(worker_pids(two).size() == 2);
    CHECK(pool_line(two) == std::vector<long long>{0, 1, 4, 9, 16, 25, 36, 49, 64, 81});
    // more workers than chunks: only as many take part as there are chunks
    auto wide = record_of({"processes", "pool", "--workers", "3", "--n", "2", "--chunk", "1"});
    CHECK(all_checks_passed(wide));
    CHECK(worker_pids(wide).size() == 2);
}

TEST_CASE("processes/pool: apply and apply_async") {
    auto r = record_of({"processes", "pool", "--workers", "2", "--n", "4"});
    bool seen = false;
    for (const std::string& text : trace_texts(r))
        seen |= text == "apply(7) = 49, apply_async(12).get() = 144";
    CHECK(seen);
    CHECK(all_checks_passed(r));
}

TEST_CASE("processes pool recipes refuse bad worker counts and pool options") {
    for (std::string recipe : {"pool", "fib-map", "pi", "word-count", "vector-sum"}) {
        for (std::vector<std::string> bad : {std::vector<std::string>{"--workers", "0"},
                                             {"--workers", "100000"},
                                             {"--workers", "two"},
                                             {"--timeout", "soon"},
                                             {"--retries", "-1"},
                                             {"--retries", "1000"}}) {
            std::vector<std::string> args{"processes", recipe};
            args.insert(args.end(), bad.begin(), bad.end());
            const Run r = parcook::test::parcook(args);
            INFO(recipe << " " << bad[0] << " " << bad[1] << ": " << r.err);
            CHECK(r.code == 2);
            CHECK(r.out.empty());
            CHECK(r.err.find(bad[0]) != std::string::npos);
        }
    }
    const Run chunk = parcook::test::parcook({"processes", "pool", "--chunk", "-3"});
    CHECK(chunk.code == 2);
    CHECK(chunk.out.empty());
}
