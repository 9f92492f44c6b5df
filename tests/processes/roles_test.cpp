// Child roles are internal: what a parent hands its children (the role, its arguments) is not
// an option a user can give, and typing it by hand is a usage error, never an internal one.
// Also: workers still get their own stdin when parcook starts with descriptor 0 closed.
#include "support/run.hpp"

#include <catch2/catch.hpp>

namespace parcook::test {

namespace {

void require_one_line_usage_error(const std::vector<std::string>& args) {
    const Run r = parcook(args, std::chrono::seconds(20));
    INFO(Catch::Detail::stringify(args) << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("parcook: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

} // namespace

TEST_CASE("processes roles: --role typed by hand is a usage error in every recipe") {
    const std::vector<std::pair<std::string, std::string>> roles{
        {"background", "child"},
        {"barrier", "party"},
        {"exec", "called"},
        {"kill", "child"},
        {"manager", "worker"},
        {"manager", "manager"},
        {"name", "child"},
        {"parent-child", "child"},
        {"queue", "producer"},
        {"queue", "consumer"},
        {"spawn", "child"},
        {"subclass", "run"},
        {"pool", "pool-worker"},
        {"pi", "pool-worker"},
        {"fib-map", "pool-worker"},
        {"word-count", "pool-worker"},
        {"vector-sum", "pool-worker"},
        {"kill", "nobody"},
    };
    for (const auto& [recipe, role] : roles)
        require_one_line_usage_error({"processes", recipe, "--role", role});
    // A recipe without children has no --role at all.
    require_one_line_usage_error({"processes", "pipe", "--role", "child"});
}

TEST_CASE("processes roles: the old hidden role options are gone") {
    const std::vector<std::vector<std::string>> typed{
        {"barrier", "--shm", "x"},     {"barrier", "--index", "1"},
        {"queue", "--queue", "x"},     {"queue", "--shm", "x"},
        {"manager", "--ipc", "x"},     {"manager", "--key", "1"},
        {"spawn", "--index", "1"},     {"background", "--name", "x"},
        {"subclass", "--class", "x"},  {"parent-child", "--index", "1"},
        {"exec", "--caller-pid", "1"}, {"exec", "--called-at", "1"},
        {"pi", "--worker", "1"},
    };
    for (const auto& args : typed) {
        std::vector<std::string> a{"processes"};
        a.insert(a.end(), args.begin(), args.end());
        require_one_line_usage_error(a);
    }
}

TEST_CASE("processes roles: a pool works when parcook starts with stdin or stderr closed") {
    for (const std::string closed : {"0<&-", "2>&-"}) {
        INFO(closed);
        const Captured c =
            run_captured({"/bin/sh", "-c",
                          "exec \"$0\" processes pi --n 1e5 --workers 2 --format json " + closed,
                          PARCOOK_BINARY},
                         std::chrono::seconds(60));
        INFO("stdout: " << c.out << "\nstderr: " << c.err);
        REQUIRE(c.exit_code == 0);
        const Run r{c.exit_code, c.timed_out, c.seconds, c.out, c.err};
        CHECK(all_checks_passed(r.record()));
    }
}

} // namespace parcook::test
