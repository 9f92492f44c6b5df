#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {

long lines_equal(const boost::json::object& r, const std::string& text) {
    const auto texts = trace_texts(r);
    return std::count(texts.begin(), texts.end(), text);
}

} // namespace

TEST_CASE("threads/rlock: the owner re-enters the lock and the box ends empty") {
    for (std::string items : {"5", "3"}) {
        auto r = record_of({"threads", "rlock", "--items", items, "--sleep", "10ms"});
        CHECK(all_checks_passed(r));
        CHECK(field(r, "total_items").to_number<int>() == 0);
        CHECK(field(r, "would_deadlock").to_number<int>() == 0);
        CHECK(lines_equal(r, "adding 1 item in the box") == std::stoi(items));
        CHECK(lines_equal(r, "removing 1 item in the box") == std::stoi(items));
        const auto texts = trace_texts(r);
        CHECK(texts.front() == "putting " + items + " items in the box");
        CHECK(texts.back() == "0 items still remain in the box");
    }
}

TEST_CASE("threads/rlock: --plain reports 'would deadlock' instead of hanging") {
    const Run run = parcook::test::parcook({"threads", "rlock", "--plain", "--timeout", "100ms",
                                            "--sleep", "10ms", "--format", "json"},
                                           std::chrono::seconds(20));
    REQUIRE_FALSE(run.timed_out);
    REQUIRE(run.code == 0);
    auto r = run.record();
    CHECK(all_checks_passed(r));
    CHECK(field(r, "would_deadlock").to_number<int>() == 2);
    // each thread reports once, after waiting the timeout for the lock it holds itself
    std::vector<std::string> reporters;
    for (const auto& l : r.at("trace").as_array()) {
        const std::string text(l.at("text").as_string());
        if (!text.starts_with("would deadlock: execute() waited 100 ms"))
            continue;
        reporters.emplace_back(l.at("who").as_string());
        CHECK(l.at("t").to_number<double>() >= 0.1);
    }
    std::sort(reporters.begin(), reporters.end());
    CHECK(reporters == std::vector<std::string>{"Thread-1", "Thread-2"});
    CHECK(trace_texts(r).back() == "0 items still remain in the box");
}

TEST_CASE("threads/rlock: bad values are usage errors") {
    for (auto args : {std::vector<std::string>{"--items", "0", "--plain"},
                      {"--items", "-1"},
                      {"--timeout", "x"}}) {
        std::vector<std::string> full{"threads", "rlock"};
        full.insert(full.end(), args.begin(), args.end());
        const Run r = parcook::test::parcook(full, std::chrono::seconds(10));
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(args[0]) != std::string::npos);
    }
}
