#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace parcook::test;

namespace {

std::string check_named(const boost::json::object& r, const std::string& start) {
    for (const auto& c : r.at("checks").as_array())
        if (std::string(c.at("what").as_string()).starts_with(start))
            return c.at("passed").as_bool() ? "passed" : "failed";
    return "absent";
}

std::size_t lines_containing(const boost::json::object& r, const std::string& part) {
    const auto texts = trace_texts(r);
    return std::count_if(texts.begin(), texts.end(),
                         [&](const std::string& t) { return t.find(part) != std::string::npos; });
}

} // namespace

TEST_CASE("threads/lock: lock and atomic give 0 and the unlocked counter loses updates") {
    auto r = record_of({"threads", "lock", "--count", "1e6", "-r", "2", "--warmup", "0"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "locked_counter").to_number<std::int64_t>() == 0);
    CHECK(field(r, "atomic_counter").to_number<std::int64_t>() == 0);
    CHECK(check_named(r, "locked counter is exactly 0") == "passed");
    CHECK(check_named(r, "atomic counter is exactly 0") == "passed");
    CHECK(metric(r, "lock_ops_per_second") > 0);
    CHECK(metric(r, "atomic_ops_per_second") > 0);
    CHECK(r.at("headline").as_string() == "lock_ops_per_second");
    // the race: with COUNT 1e6 on two cores, some run of up to 200 loses updates
    const auto runs = field(r, "unlocked_runs").to_number<int>();
    CHECK(runs >= 1);
    CHECK(runs <= 200);
    if (field(r, "usable_cores").to_number<int>() >= 2) {
        CHECK(field(r, "race_check").as_string() == "run");
        CHECK(field(r, "unlocked_counter").to_number<std::int64_t>() != 0);
        CHECK(check_named(r, "unlocked counter differs from 0") == "passed");
    }
    CHECK(lines_containing(r, "the value of shared variable with") == 3);
}

TEST_CASE("threads/lock: lock_ops_per_second counts 2 x COUNT pairs per timed run") {
    auto r = record_of({"threads", "lock", "--mode", "lock", "--count", "2e5", "-r", "3"});
    CHECK(all_checks_passed(r));
    const auto& timing = r.at("timing").as_object();
    CHECK(timing.at("samples").as_array().size() == 3);
    const double median = timing.at("median").to_number<double>();
    CHECK(metric(r, "lock_ops_per_second") == Approx(4e5 / median));
    CHECK(!r.at("fields").as_object().contains("unlocked_counter"));
}

TEST_CASE("threads/lock: on one core the race check is skipped and not failed") {
    const std::string taskset = "/usr/bin/taskset";
    if (!std::filesystem::exists(taskset)) {
        WARN("no taskset: cannot pin to one core");
        return;
    }
    auto one_core = [&](const std::vector<std::string>& args) {
        std::vector<std::string> argv{taskset, "-c", "0", PARCOOK_BINARY, "threads", "lock"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--format", "json"});
        return parcook::run_captured(argv, std::chrono::seconds(60));
    };
    const auto all = one_core({"--count", "1e5", "-r", "1"});
    INFO(all.err);
    REQUIRE(all.exit_code == 0);
    auto r = boost::json::parse(all.out).as_object();
    CHECK(field(r, "usable_cores").to_number<int>() == 1);
    CHECK(std::string(field(r, "race_check").as_string()).starts_with("skipped"));
    CHECK(check_named(r, "unlocked counter differs from 0") == "absent");
    CHECK(check_named(r, "locked counter is exactly 0") == "passed");
    // asking for the race alone cannot run here: exit 77 (ctest's skip)
    CHECK(one_core({"--mode", "unlocked"}).exit_code == 77);
}

TEST_CASE("threads/lock: --deadlock is detected within its timeout") {
    const Run run = parcook::test::parcook(
        {"threads", "lock", "--deadlock", "--timeout", "100ms", "--format", "json"},
        std::chrono::seconds(20));
    REQUIRE_FALSE(run.timed_out);
    REQUIRE(run.code == 0);
    auto r = run.record();
    CHECK(field(r, "deadlock_detected").as_bool());
    CHECK(field(r, "deadlock_seconds").to_number<double>() >= 0.1);
    CHECK(lines_containing(r, "deadlock detected") == 2);
    CHECK(lines_containing(r, "holds A, requests B") == 1);
    CHECK(lines_containing(r, "holds B, requests A") == 1);
    // both "holds" lines come before either detection
    const auto texts = trace_texts(r);
    CHECK(texts[0].find("holds") != std::string::npos);
    CHECK(texts[1].find("holds") != std::string::npos);
}

TEST_CASE("threads/lock: --deadlock --fix completes with std::scoped_lock") {
    auto r = record_of({"threads", "lock", "--deadlock", "--fix", "--count", "20000"});
    CHECK(all_checks_passed(r));
    CHECK(check_named(r, "--deadlock --fix completes") == "passed");
    CHECK(lines_containing(r, "with std::scoped_lock 20000 times") == 2);
    CHECK(!r.at("fields").as_object().contains("deadlock_detected"));
}

TEST_CASE("threads/lock: bad combinations are usage errors") {
    for (auto args : {std::vector<std::string>{"--fix"},
                      {"--count", "0"},
                      {"--deadlock", "--mode", "lock"},
                      {"--mode", "fast"},
                      {"--race-runs", "0"}}) {
        std::vector<std::string> full{"threads", "lock"};
        full.insert(full.end(), args.begin(), args.end());
        const Run r = parcook::test::parcook(full, std::chrono::seconds(10));
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        const std::string named = args[0] == "--deadlock" ? "--mode" : args[0];
        CHECK(r.err.find(named) != std::string::npos);
    }
}
