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
    CHECK(field(r, "would_deadlock").to_number<int>() >= 1);
    const auto texts = trace_texts(r);
    CHECK(std::count_if(texts.begin(), texts.end(), [](const std::string& t) {
              return t.starts_with("would deadlock: execute()") &&
                     t.ends_with("though this thread holds it");
          }) >= 1);
    CHECK(texts.back() == "0 items still remain in the box");
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
