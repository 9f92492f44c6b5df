#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>

namespace parcook::test {

TEST_CASE("processes/background: the daemon is terminated, the other child is waited for") {
    auto r = record_of({"processes", "background", "--sleep", "300ms"});
    CHECK(all_checks_passed(r));
    const auto lines = trace_lines(r);
    auto has = [&](const std::string& l) {
        return std::find(lines.begin(), lines.end(), l) != lines.end();
    };
    CHECK(has("NO_background_process: Starting NO_background_process"));
    CHECK(has("NO_background_process: Exiting NO_background_process"));
    CHECK_FALSE(has("background_process: Exiting background_process"));
    CHECK(field(r, "daemon_exit_code").to_number<int>() == -15);
    CHECK(metric(r, "lifetime") >= 0.3);

    // After the parent has exited, no child pid survives.
    const auto& pids = field(r, "child_pids").as_array();
    REQUIRE(pids.size() == 2);
    for (const auto& p : pids) {
        errno = 0;
        CHECK(::kill(p.to_number<pid_t>(), 0) == -1);
        CHECK(errno == ESRCH);
    }
}

TEST_CASE("processes/background: a sleep too short to compare with is a usage error") {
    CHECK(parcook({"processes", "background", "--sleep", "10ms"}).code == 2);
}

TEST_CASE("processes/background: --no-daemon joins both children, the parent waits for both") {
    auto r = record_of({"processes", "background", "--sleep", "300ms", "--no-daemon"});
    CHECK(all_checks_passed(r));
    const auto lines = trace_lines(r);
    auto has = [&](const std::string& l) {
        return std::find(lines.begin(), lines.end(), l) != lines.end();
    };
    CHECK(has("background_process: Exiting background_process"));
    CHECK(has("NO_background_process: Exiting NO_background_process"));
    CHECK(field(r, "daemon_exit_code").to_number<int>() == 0);
    CHECK(r.at("params").at("daemon") == false);
    CHECK(metric(r, "lifetime") >= 0.3);
}

} // namespace parcook::test
