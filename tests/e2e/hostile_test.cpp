// Bad input and faults against the binary as a whole: every typed option of every recipe
// refuses garbage with one line naming it, messages stay one short line whatever was typed,
// and a stdout that cannot be written is reported instead of ending in a silent exit 0.
#include "parcook/recipe.hpp"
#include "support/run.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace parcook;
using namespace parcook::test;

namespace {

void expect_refused(const std::vector<std::string>& args, const std::string& names, const Run& r) {
    INFO("args: " << Catch::Detail::stringify(args) << "\nstdout: " << r.out
                  << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::StartsWith("parcook: ") && Catch::Contains(names));
    CHECK(r.err.size() < 400);
}

void expect_refused(const std::vector<std::string>& args, const std::string& names) {
    expect_refused(args, names, test::parcook(args, std::chrono::seconds(20)));
}

// Runs a shell command line with the binary as $P.
Run shell(const std::string& line) {
    const Captured c =
        run_captured({"/bin/sh", "-c", "P='" + std::string(PARCOOK_BINARY) + "'; " + line},
                     std::chrono::seconds(60));
    return {c.exit_code, c.timed_out, c.seconds, c.out, c.err};
}

// Every typed option of every recipe of `group`, given each garbage value its kind refuses. The
// commands run four at a time (each starts a whole binary: under ASan that is a third of a
// second) and are checked in order afterwards (Catch's assertions are not thread-safe).
void refuses_garbage(const std::string& group) {
    std::vector<std::pair<std::vector<std::string>, std::string>> cases; // args, option named
    for (const Recipe* recipe : recipes()) {
        if (recipe->group != group)
            continue;
        for (const OptionSpec& spec : all_options(*recipe)) {
            if (spec.hidden || spec.kind == OptionKind::flag || spec.kind == OptionKind::text)
                continue;
            for (const char* garbage : {"x1\x07", "-5", "1e40"}) {
                if (spec.kind == OptionKind::real && std::string_view(garbage) != "x1\x07")
                    continue; // reals may be negative or large
                cases.push_back(
                    {{recipe->group, recipe->name, "--" + spec.name, garbage}, "--" + spec.name});
            }
        }
    }
    std::vector<Run> runs(cases.size());
    std::atomic<std::size_t> next{0};
    {
        std::vector<std::jthread> pool;
        for (int k = 0; k < 4; ++k)
            pool.emplace_back([&] {
                for (std::size_t i; (i = next++) < cases.size();)
                    runs[i] = test::parcook(cases[i].first, std::chrono::seconds(20));
            });
    }
    for (std::size_t i = 0; i < cases.size(); ++i)
        expect_refused(cases[i].first, cases[i].second, runs[i]);
    CHECK(cases.size() > 30);
}

} // namespace

TEST_CASE("every typed option of every recipe refuses garbage before any work: threads") {
    refuses_garbage("threads");
}
TEST_CASE("every typed option of every recipe refuses garbage before any work: processes") {
    refuses_garbage("processes");
}
TEST_CASE("every typed option of every recipe refuses garbage before any work: mpi") {
    refuses_garbage("mpi");
}
TEST_CASE("every typed option of every recipe refuses garbage before any work: async") {
    refuses_garbage("async");
}
TEST_CASE("every typed option of every recipe refuses garbage before any work: distributed") {
    refuses_garbage("distributed");
}
TEST_CASE("every typed option of every recipe refuses garbage before any work: gpu") {
    refuses_garbage("gpu");
}

TEST_CASE("a common option a recipe does not use is refused, naming the recipe") {
    expect_refused({"threads", "vector-sum", "--workers", "2"},
                   "--workers: threads/vector-sum has no such option");
    expect_refused({"processes", "pi", "-t", "2"}, "-t: processes/pi has no such option");
}

TEST_CASE("what the user typed is quoted, escaped and cut short in messages") {
    const std::string huge(100'000, '7');
    expect_refused({"threads", "vector-sum", "--n", huge + "x"}, "--n");
    expect_refused({"threads", "vector-sum", "--n", "12\nverify: PASS"}, "\\x0a");
    expect_refused({"threads", "vector-sum", "--op", std::string(5000, 'a')}, "--op");
    expect_refused({"thr\x1b[31meads"}, "unknown command");
}

TEST_CASE("counts written as powers must be whole numbers") {
    expect_refused({"threads", "vector-sum", "--n", "2.5^2"}, "--n");
    expect_refused({"threads", "vector-sum", "--n", "2^0.5"}, "--n");
    const Run whole = test::parcook({"threads", "vector-sum", "--n", "2^10", "-r", "1"});
    CHECK(whole.code == 0);
}

TEST_CASE("the smallest --n and tour's time limit are enforced") {
    expect_refused({"threads", "pi", "--n", "0"}, "--n");
    expect_refused({"tour", "--timeout", "0"}, "--timeout");
    expect_refused({"tour", "--timeout", "10ms"}, "--timeout");
}

TEST_CASE("an input file must be a regular readable file within the memory check") {
    expect_refused({"threads", "word-count", "--input", "/tmp"}, "--input");
    expect_refused({"threads", "word-count", "--input", "/dev/zero"}, "--input");
    expect_refused({"threads", "word-count", "--input", "/nonexistent/file"}, "--input");
}

TEST_CASE("a group exists only when it has recipes") {
    const Run top = test::parcook({"--help"});
    for (const Group* g : groups())
        CHECK_THAT(top.out, Catch::Contains(g->name));
    for (const char* empty : {"async", "distributed"})
        if (!find_group(empty))
            expect_refused({empty, "anything"}, "unknown command");
}

TEST_CASE("a stdout that cannot be written is reported, exit 74") {
    for (const std::string& command :
         {std::string("threads pi --n 1e4 -r 1"), std::string("list"), std::string("--version"),
          std::string("threads pi --n 1e4 -r 1 --format json")}) {
        for (const std::string& redirect : {std::string(">&-"), std::string(">/dev/full")}) {
            const Run r = shell("\"$P\" " + command + " " + redirect);
            INFO(command << " " << redirect << "\nstderr: " << r.err);
            CHECK(r.code == 74);
            CHECK_THAT(r.err, Catch::Contains("cannot write to stdout"));
        }
    }
}

TEST_CASE("closed standard descriptors at start-up are never reused for pipes") {
    const Run r = shell("\"$P\" threads pi --n 1e4 -r 1 --format json 0<&- 2>&-");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"verified\":true"));
}

TEST_CASE("an unusable TMPDIR cannot run here (77) and names it, an empty one means /tmp") {
    const std::string file = std::filesystem::temp_directory_path() / "parcook-tmpdir-file";
    std::ofstream(file) << "not a directory";
    // threads/perf writes a temporary file; the embedded Redis broker listens on a socket in a
    // private directory.
    for (const std::string& command :
         {std::string("threads perf --fib-steps 1000 -r 1"),
          std::string("distributed celery-add --round-trips 10 --latency 10 --sleep 10ms")}) {
        for (const std::string& dir : {std::string("/nonexistent"), file}) {
            const Run r = shell("TMPDIR='" + dir + "' \"$P\" " + command);
            INFO(command << " with TMPDIR=" << dir << "\nstderr: " << r.err);
            CHECK(r.code == 77);
            CHECK(r.out.empty());
            CHECK_THAT(r.err, Catch::Contains("TMPDIR='" + dir + "'"));
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        }
        const Run unset = shell("TMPDIR= \"$P\" " + command + " -q");
        INFO(command << " with TMPDIR empty\nstderr: " << unset.err);
        CHECK(unset.code != 77); // it ran (perf's timing checks may still fail on a busy host)
        CHECK(unset.err.find("TMPDIR") == std::string::npos);
    }
    std::filesystem::remove(file);
}

TEST_CASE("the memory check honours the address-space limit (ulimit -v)") {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    WARN("a sanitizer's shadow memory does not fit under ulimit -v: nothing to check here");
#else
    const Run r = shell("ulimit -v 1000000 && \"$P\" threads vector-sum --n 1e9");
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("parcook: --n: this size needs") &&
                          Catch::Contains("is available"));
#endif
}

TEST_CASE("too few file descriptors (ulimit -n) cannot run here (77) and say so, a low soft "
          "limit is raised") {
    for (const std::string& command :
         {std::string("processes pi --n 1e5 --workers 4"),
          std::string("distributed celery-add --round-trips 10 --latency 10 --sleep 10ms"),
          std::string("async echo --connections 100 --requests 5"),
          std::string("mpi hello --np 2")}) {
        const Run low = shell("ulimit -n 16 && \"$P\" " + command);
        INFO(command << " under ulimit -n 16\nstderr: " << low.err);
        CHECK(low.code == 77);
        CHECK(low.out.empty());
        CHECK_THAT(low.err, Catch::Contains("file descriptors") && Catch::Contains("ulimit -Hn"));
        CHECK(std::count(low.err.begin(), low.err.end(), '\n') == 1);
    }
    const Run soft = shell("ulimit -Sn 20 && \"$P\" processes pi --n 1e5 --workers 4 -q");
    INFO("stderr: " << soft.err);
    CHECK(soft.code == 0);
}

TEST_CASE("values a recipe's own check could never pass are refused before any work") {
    expect_refused({"processes", "barrier", "--tolerance", "0"}, "--tolerance");
    expect_refused({"processes", "name", "--sleep", "1ms"}, "--sleep");
    expect_refused({"processes", "parent-child", "--sleep", "0"}, "--sleep");
    expect_refused({"distributed", "celery-add", "--sleep", "0"}, "--sleep");
    expect_refused({"distributed", "celery-add", "--max-message", "0"}, "--max-message");
    expect_refused({"distributed", "pyro-rmi", "--max-frame", "100B"}, "--max-frame");
    expect_refused({"distributed", "csp", "--trace", "/nonexistent/trace.jsonl"}, "--trace");
}

TEST_CASE("an unknown group for list or tour is answered with the groups") {
    expect_refused({"list", "nosuch"}, "choose one of: threads, processes");
    expect_refused({"tour", "thread"}, "did you mean threads?");
}

TEST_CASE("threads the system refuses: a team is exit 77 (never a hang), the thread-per-"
          "connection server fails its check (never an abort)") {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    WARN("a sanitizer's shadow memory does not fit under ulimit -v: nothing to check here");
#else
    // 8 MiB stacks under a 400 MB address space: some tens of threads start, then none
    const std::string limits = "ulimit -s 8192 && ulimit -v 400000 && ";
    const Run team = shell(limits + "\"$P\" threads pi --n 1e5 -t 200");
    INFO("threads pi stderr: " << team.err);
    CHECK(team.code == 77);
    CHECK(team.out.empty());
    CHECK_THAT(team.err, Catch::Contains("refused a resource"));
    const Run echo = shell(limits + "\"$P\" async echo --connections 300 --requests 5 "
                                    "--model threads --format json");
    INFO("echo stdout: " << echo.out << "\nstderr: " << echo.err);
    CHECK(echo.code == 1);
    CHECK_THAT(echo.out, Catch::Contains("thread starts failed"));
#endif
}
