#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

TEST_CASE("threads/gil-release: --hold never overlaps, --release overlaps, same result") {
    auto r = record_of({"threads", "gil-release", "--work", "1e6", "--calls", "4"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "hold_overlaps").to_number<int>() == 0);
    CHECK(field(r, "release_overlaps").to_number<int>() > 0);
    CHECK(metric(r, "release_over_hold") > 0);
    // the timestamps in the trace tell the same story
    int hold_lines = 0, release_lines = 0;
    for (const auto& line : trace_texts(r)) {
        hold_lines += line.starts_with("--hold: native calls at");
        release_lines += line.starts_with("--release: native calls at");
    }
    CHECK(hold_lines == 2);
    CHECK(release_lines == 2);

    auto hold = record_of({"threads", "gil-release", "--hold", "--work", "1e6", "-t", "3"});
    auto release = record_of({"threads", "gil-release", "--release", "--work", "1e6", "-t", "3"});
    CHECK(all_checks_passed(hold));
    CHECK(all_checks_passed(release));
    CHECK(field(hold, "hold_overlaps").to_number<int>() == 0);
    CHECK(r.at("fields").as_object().contains("hold_overlaps"));
    CHECK_FALSE(hold.at("fields").as_object().contains("release_overlaps"));
    CHECK(field(release, "release_overlaps").to_number<int>() > 0);
    CHECK(field(hold, "result") == field(release, "result"));
}

TEST_CASE("threads/gil-release: one thread cannot show overlap") {
    auto r = parcook::test::parcook({"threads", "gil-release", "-t", "1"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--threads") != std::string::npos);
}

TEST_CASE("threads/gil-release: native calls too short to meet are refused before any work") {
    auto r = parcook::test::parcook({"threads", "gil-release", "--work", "1e5"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--work") != std::string::npos);
}
