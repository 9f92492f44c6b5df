#include "support/run.hpp"

#include <catch2/catch.hpp>

namespace parcook::test {

TEST_CASE("processes/exec: the called program replaces the caller in the same process") {
    auto r = record_of({"processes", "exec", "--no-wait"});
    CHECK(all_checks_passed(r));
    CHECK(field(r, "pid_before") == field(r, "pid_after"));
    const auto lines = trace_lines(r);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with("calling: Process calling (pid "));
    CHECK(lines[1].starts_with("called: Hello Python Parallel Cookbook!! (pid "));
    CHECK(lines[2] == "called: Closing calledProcess");
    // the caller's line was said before the called program started
    CHECK(r.at("trace").as_array()[0].at("t").to_number<double>() < 0);
}

TEST_CASE("processes/exec: text output, waiting for Enter, Good Bye!! never appears") {
    const Run run = parcook({"processes", "exec"}, std::chrono::seconds(30), "\n");
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    // The trace lines only: the record below them names the rules, "Good Bye!!" included.
    const std::string out = run.out.substr(0, run.out.find("\nprocesses/exec\n"));
    CHECK(out.find("Good Bye!!") == std::string::npos);
    const auto calling = out.find("[calling] Process calling (pid ");
    REQUIRE(calling != std::string::npos);
    CHECK(out.find("Process calling",
                   calling + std::string_view("[calling] Process calling").size()) ==
          std::string::npos); // printed once: the exec replaced the caller
    const auto hello = out.find("[called] Hello Python Parallel Cookbook!!");
    const auto enter = out.find("[called] Press ENTER to exit");
    const auto closing = out.find("[called] Closing calledProcess");
    CHECK(calling < hello);
    CHECK(hello < enter);
    CHECK(enter < closing);
    CHECK(closing != std::string::npos);
    // the same pid on both sides of the exec
    auto pid_after = [&](std::size_t at) {
        const auto p = out.find("(pid ", at) + 5;
        return out.substr(p, out.find(')', p) - p);
    };
    CHECK(pid_after(calling) == pid_after(hello));
}

} // namespace parcook::test
