// Each threads recipe accepts exactly the common options it reads: the others are usage errors
// that name the recipe, before any output.
#include "support/run.hpp"

#include <catch2/catch.hpp>

using namespace parcook::test;

namespace {

// Exit 2, nothing on stdout, one stderr line naming the option and the recipe.
void refused(const std::vector<std::string>& args, const std::string& message) {
    const Run r = parcook::test::parcook(args, std::chrono::seconds(10));
    INFO(Catch::Detail::stringify(args) << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find(message) != std::string::npos);
}

} // namespace

TEST_CASE("threads: common options a recipe ignores are refused, naming the recipe") {
    refused({"threads", "hello", "--threads", "8"}, "--threads: threads/hello has no such option");
    refused({"threads", "hello", "--repeat", "9"}, "--repeat: threads/hello has no such option");
    refused({"threads", "lock", "-t", "8"}, "-t: threads/lock has no such option");
    refused({"threads", "lock", "--threads", "8"}, "--threads: threads/lock has no such option");
}

TEST_CASE("threads: every recipe refuses the common options it does not read") {
    const std::vector<std::pair<std::string, std::vector<std::string>>> ignored{
        {"condition", {"--threads", "--n", "--repeat", "--warmup", "--seed"}},
        {"current", {"--threads", "--n", "--repeat", "--seed"}},
        {"define", {"--n", "--repeat", "--warmup", "--seed"}},
        {"event", {"--threads", "--n", "--repeat"}},
        {"gil-release", {"--n", "--seed"}},
        {"hello", {"--threads", "--n", "--repeat", "--warmup", "--seed"}},
        {"lock", {"--threads", "--n", "--seed"}},
        {"perf", {"--threads", "--n", "--seed"}},
        {"primitives", {"--threads", "--n", "--repeat", "--seed"}},
        {"queue", {"--threads", "--n", "--repeat"}},
        {"rlock", {"--threads", "--n", "--repeat", "--seed"}},
        {"semaphore", {"--threads", "--n", "--repeat"}},
        {"subclass", {"--threads", "--n", "--repeat", "--seed"}},
        {"with", {"--threads", "--n", "--repeat", "--seed"}},
        {"fib-map", {"--seed", "--workers"}},
        {"word-count", {"--seed", "--workers"}},
        {"pi", {"--workers"}},
        {"vector-sum", {"--workers"}},
    };
    for (const auto& [recipe, options] : ignored)
        for (const std::string& option : options)
            refused({"threads", recipe, option, "2"},
                    option + ": threads/" + recipe + " has no such option");
}
