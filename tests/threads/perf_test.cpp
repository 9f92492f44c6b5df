#include "support/run.hpp"

#include "parcook/recipe.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {
std::vector<double> times(const boost::json::object& r, const char* table, const char* body,
                          const char* mode) {
    std::vector<double> v;
    for (const auto& t : field(r, table).at(body).at(mode).as_array())
        v.push_back(t.to_number<double>());
    return v;
}
} // namespace

TEST_CASE("threads/perf: thread start costs, latency overlaps, with and without the GIL") {
    auto r = record_of({"threads", "perf", "--gil", "--repeat", "2", "--latency", "4ms",
                        "--fetches", "5", "--fib-steps", "1e4", "--blocks", "50"});
    CHECK(all_checks_passed(r));
    for (const char* table : {"seconds", "gil_seconds"}) {
        INFO(table);
        const auto empty_seq = times(r, table, "empty", "non_threaded");
        const auto empty_thr = times(r, table, "empty", "threaded");
        REQUIRE(empty_seq.size() == 4);
        for (std::size_t k = 0; k < 4; ++k)
            CHECK(empty_thr[k] > empty_seq[k]);
        // 8 latency bodies overlap: well under half of 8 in a row
        const double seq8 = times(r, table, "latency", "non_threaded")[3];
        CHECK(seq8 >= 8 * 5 * 0.004);
        CHECK(times(r, table, "latency", "threaded")[3] < 0.5 * seq8);
    }
    for (const char* m :
         {"cpu_ratio_2", "cpu_ratio_2_gil", "latency_ratio_8", "latency_ratio_8_gil"})
        CHECK(metric(r, m) > 0);
    int lines = 0;
    for (const auto& line : trace_texts(r))
        lines += line.find("with GIL") != std::string::npos;
    CHECK(lines == 4 * 2 * 4);
}

TEST_CASE("threads/perf: without --gil only the real table") {
    auto r = record_of({"threads", "perf", "--repeat", "2", "--latency", "5ms", "--fetches", "4",
                        "--fib-steps", "1000", "--blocks", "4"});
    CHECK(all_checks_passed(r));
    CHECK(r.at("fields").as_object().if_contains("gil_seconds") == nullptr);
    CHECK(r.at("metrics").as_object().if_contains("cpu_ratio_2_gil") == nullptr);
}

TEST_CASE("threads/perf: bad options are usage errors") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--latency", "0"}, {"--fetches", "0"}, {"--blocks", "0"}, {"--fib-steps", "x"}}) {
        args.insert(args.begin(), {"threads", "perf"});
        auto r = parcook::test::parcook(args);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(args[2]) != std::string::npos);
    }
}

TEST_CASE("threads/perf: tour's sizes make a CPU call far longer than a thread start") {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    WARN("a sanitizer makes thread starts tens of times slower: the ratio says nothing here");
    return;
#endif
    const parcook::Recipe* perf = parcook::find_recipe("threads", "perf");
    REQUIRE(perf != nullptr);
    std::vector<std::string> args{"threads", "perf"};
    args.insert(args.end(), perf->tour_args.begin(), perf->tour_args.end());
    auto r = record_of(args);
    CHECK(all_checks_passed(r));
    const double one_call = times(r, "seconds", "fib", "non_threaded")[0];
    // the cheapest start per thread of the empty body (thread_start_cost, from one 8-thread
    // best of 2, jumps when the machine is busy)
    const auto empty = times(r, "seconds", "empty", "threaded");
    double start = empty[0];
    for (std::size_t k = 1; k < empty.size(); ++k)
        start = std::min(start, empty[k] / static_cast<double>(1u << k));
    INFO("one Fibonacci call " << one_call << " s, one thread start " << start << " s");
    CHECK(one_call > 50 * start);
}
