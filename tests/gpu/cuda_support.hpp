// Running a CUDA recipe from a test: its record where there is a GPU; where there is none, the
// exit 77 is checked to come with a "no GPU" reason (or "built without the CUDA toolkit") and an
// empty stdout, and the test executable ends with 77, which ctest reports as skipped
// (SKIP_RETURN_CODE). Each test case is its own ctest test, so that skips that case alone.
#pragma once
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

namespace parcook::test {

inline boost::json::object cuda_record(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    const Run r = parcook(args, std::chrono::seconds(100));
    INFO("parcook " << Catch::Detail::stringify(args) << "\nstdout: " << r.out
                    << "\nstderr: " << r.err);
    REQUIRE_FALSE(r.timed_out);
    if (r.code == 77) {
        REQUIRE(r.out.empty());
        REQUIRE_THAT(r.err, Catch::Matchers::Contains("cannot run here") &&
                                (Catch::Matchers::Contains("no CUDA GPU") ||
                                 Catch::Matchers::Contains("built without the CUDA toolkit")));
        std::exit(77);
    }
    REQUIRE(r.code == 0);
    return r.record();
}

inline bool check_passed(const boost::json::object& record, std::string_view rule) {
    for (const auto& c : record.at("checks").as_array())
        if (c.at("what").as_string() == rule)
            return c.at("passed").as_bool();
    return false;
}

// The record of a gpu recipe carries the pass times, nested, and a rate.
inline void check_pass_metrics(const boost::json::object& r) {
    CHECK(all_checks_passed(r));
    CHECK(metric(r, "kernel_seconds") > 0);
    CHECK(metric(r, "end_to_end_seconds") >= metric(r, "kernel_seconds"));
    CHECK(metric(r, "transfer_seconds") >= 0);
}

} // namespace parcook::test
