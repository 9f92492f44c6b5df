// End-to-end tests of the binary: help, list, version, formats, exit codes and bad input.
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace parcook;
using namespace parcook::test;

namespace {

// A quick, always-available recipe to exercise the common options.
const std::vector<std::string> quick{"threads", "vector-sum", "--n", "1000", "-r", "1"};

std::vector<std::string> with(std::vector<std::string> base, std::vector<std::string> extra) {
    base.insert(base.end(), extra.begin(), extra.end());
    return base;
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& mentions) {
    const Run r = test::parcook(args);
    INFO("args: " << Catch::Detail::stringify(args) << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty()); // nothing partial on stdout
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::Contains(mentions));
}

} // namespace

TEST_CASE("help at every level") {
    const Run top = test::parcook({"--help"});
    CHECK(top.code == 0);
    for (const char* word : {"list", "tour", "threads", "processes", "mpi", "Exit codes"})
        CHECK_THAT(top.out, Catch::Contains(word));
    const Run group = test::parcook({"threads", "--help"});
    CHECK(group.code == 0);
    CHECK_THAT(group.out, Catch::Contains("vector-sum"));
    const Run recipe = test::parcook({"threads", "vector-sum", "--help"});
    CHECK(recipe.code == 0);
    CHECK_THAT(recipe.out, Catch::Contains("Ports:"));
    CHECK_THAT(recipe.out, Catch::Contains("--n COUNT=1e7"));
    CHECK_THAT(recipe.out, Catch::Contains("--op add|saxpy=add"));
    const Run none = test::parcook({});
    CHECK(none.code == 2);
    CHECK(none.out.empty());
}

TEST_CASE("version names the build features") {
    const Run r = test::parcook({"--version"});
    CHECK(r.code == 0);
    for (const char* word : {"parcook", "mpi", "MPICH", "cuda", "opencl"})
        CHECK_THAT(r.out, Catch::Contains(word));
}

TEST_CASE("list in every format agrees with the registry") {
    const Run text = test::parcook({"list"});
    const Run json = test::parcook({"list", "--format", "json"});
    const Run csv = test::parcook({"list", "--format", "csv"});
    REQUIRE(text.code == 0);
    REQUIRE(json.code == 0);
    REQUIRE(csv.code == 0);
    const auto records = json.records();
    CHECK(records.size() ==
          static_cast<std::size_t>(std::count(text.out.begin(), text.out.end(), '\n')));
    CHECK(records.size() + 1 ==
          static_cast<std::size_t>(std::count(csv.out.begin(), csv.out.end(), '\n')));
    for (const auto& r : records) {
        CHECK_THAT(text.out, Catch::Contains(std::string(r.at("id").as_string())));
        CHECK_FALSE(r.at("book").as_string().empty());
    }
    const Run one_group = test::parcook({"list", "threads", "--format", "json"});
    for (const auto& r : one_group.records())
        CHECK(r.at("group").as_string() == "threads");
    expect_usage_error({"list", "nosuchgroup"}, "nosuchgroup");
}

TEST_CASE("the README recipe table matches parcook list") {
    std::ifstream in(std::string(PARCOOK_SOURCE_DIR) + "/README.md");
    REQUIRE(in);
    std::set<std::pair<std::string, std::string>> readme, listed;
    const std::regex row(R"(^\| `([a-z-]+/[a-z0-9-]+)` \| (.*) \|$)");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, row))
            readme.emplace(m[1], m[2]);
    }
    for (const auto& r : test::parcook({"list", "--format", "json"}).records())
        listed.emplace(std::string(r.at("id").as_string()),
                       std::string(r.at("summary").as_string()));
    CHECK(readme == listed);
}

TEST_CASE("formats: text ends with the verify line, JSON is one object, CSV has a header") {
    const Run text = test::parcook(quick);
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("\nverify: PASS"));
    const Run json = test::parcook(with(quick, {"--format", "json"}));
    CHECK(json.code == 0);
    CHECK(json.record().at("verified").as_bool());
    const Run csv = test::parcook(with(quick, {"--format", "csv"}));
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 2);
    CHECK_THAT(csv.out, Catch::StartsWith("recipe,"));
    const Run bare = test::parcook(with(quick, {"--format", "csv", "--no-header"}));
    CHECK(std::count(bare.out.begin(), bare.out.end(), '\n') == 1);
    CHECK_THAT(bare.out, Catch::StartsWith("threads/vector-sum,"));
    CHECK(json.err.empty()); // logs only on stderr, and none by default
}

TEST_CASE("bad input on every common option: exit 2, one line naming the option") {
    expect_usage_error(with(quick, {"--n", "abc"}), "--n");
    expect_usage_error(with(quick, {"--n", "-1"}), "--n");
    expect_usage_error(with(quick, {"--n", "1e30"}), "--n");
    expect_usage_error(with(quick, {"--n", "1e12"}), "memory"); // 12 TB of arrays
    expect_usage_error(with(quick, {"--threads", "0"}), "--threads");
    expect_usage_error(with(quick, {"--threads", "100000"}), "--threads");
    expect_usage_error(with(quick, {"-t", "two"}), "--threads");
    expect_usage_error(with(quick, {"--workers", "0"}), "--workers");
    expect_usage_error(with(quick, {"--workers", "100000"}), "--workers");
    expect_usage_error(with(quick, {"--repeat", "0"}), "--repeat");
    expect_usage_error(with(quick, {"--warmup", "-2"}), "--warmup");
    expect_usage_error(with(quick, {"--seed", "x"}), "--seed");
    expect_usage_error(with(quick, {"--tasks", "-3"}), "--tasks");
    expect_usage_error(with(quick, {"--format", "xml"}), "--format");
    expect_usage_error(with(quick, {"--op", "mul"}), "--op");
    expect_usage_error(with(quick, {"--no-such-option"}), "--no-such-option");
    expect_usage_error(with(quick, {"--n"}), "--n");
}

TEST_CASE("unknown names get suggestions") {
    expect_usage_error({"thread", "vector-sum"}, "did you mean threads?");
    expect_usage_error({"threads", "vectr-sum"}, "did you mean vector-sum?");
    expect_usage_error({"threads"}, "needs a recipe");
    expect_usage_error({"frobnicate"}, "unknown command");
}
