// Faults around an MPI job: signals to `parcook ... --np N` (the whole job goes with it),
// malformed launcher variables, usage errors under mpiexec, and memory counted per node.
#include "mpi/mpirun.hpp"
#include "support/procfs.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;
using namespace parcook::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// The processes below `root` (mpiexec, hydra_pmi_proxy, the ranks).
std::set<pid_t> descendants(pid_t root) {
    const auto all = process_table();
    std::set<pid_t> found{root};
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& [pid, p] : all)
            if (found.contains(p.parent) && found.insert(pid).second)
                grew = true;
    }
    found.erase(root);
    return found;
}

bool running(pid_t pid) { // a zombie has ended
    const auto all = process_table();
    const auto it = all.find(pid);
    return it != all.end() && it->second.state != 'Z';
}

// `parcook <args>` in the background, in a process group of its own, output discarded.
pid_t start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = command_words(args);
    const std::vector<char*> raw = exec_vector(argv);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, raw[0], &files, &attr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    REQUIRE(rc == 0);
    return pid;
}

// Waits (bounded) until `pid` has exited; its exit status, or -signal.
int wait_for(pid_t pid, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            FAIL("parcook did not exit within " << limit.count() << " s");
        }
        std::this_thread::sleep_for(10ms);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// Waits (bounded) until none of `pids` runs; those still running.
std::set<pid_t> survivors(const std::set<pid_t>& pids, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        std::set<pid_t> left;
        for (pid_t p : pids)
            if (running(p))
                left.insert(p);
        if (left.empty() || std::chrono::steady_clock::now() >= deadline) {
            for (pid_t p : left)
                ::kill(p, SIGKILL); // leave nothing behind, whatever the outcome
            return left;
        }
        std::this_thread::sleep_for(20ms);
    }
}

} // namespace

TEST_CASE("mpi: a signal to parcook --np ends mpiexec, its proxy and every rank") {
    // recv-first with a long watchdog: every rank waits in MPI for a minute unless ended.
    const std::vector<std::string> job{"mpi",       "deadlock", "--variant", "recv-first",
                                       "--timeout", "60s",      "--np",      "2"};
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGKILL}) {
        INFO("signal " << sig);
        const pid_t parcook = start(job);
        std::set<pid_t> job_processes;
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while ((job_processes = descendants(parcook)).size() < 4) { // mpiexec, proxy, 2 ranks
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(-parcook, SIGKILL);
                FAIL("the job did not start: " << job_processes.size() << " processes");
            }
            std::this_thread::sleep_for(20ms);
        }
        std::this_thread::sleep_for(500ms); // the ranks are inside MPI now
        job_processes = descendants(parcook);
        ::kill(parcook, sig); // parcook alone, as `kill` or a supervisor would
        const int code = wait_for(parcook, 20s);
        CHECK(code == (sig == SIGKILL ? -SIGKILL : 128 + sig));
        CHECK(survivors(job_processes, 15s).empty());
    }
}

TEST_CASE("mpi: malformed launcher variables are refused with one line before MPI starts") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"PMI_RANK", "abc"},       {"PMI_SIZE", "x"}, {"PMI_SIZE", "0"},    {"PMI_FD", "zz"},
        {"PMI_FD", "987"},         {"PMI_FD", "1"},   {"PMI_PORT", "nope"}, {"PMI_RANK", "-1"},
        {"MPI_LOCALNRANKS", "two"}}; // descriptor 1 is open, but the test's pipe is no socket
    for (const auto& [name, value] : cases) {
        ScopedEnv bad(name, value);
        const Run r = parcook::test::parcook({"mpi", "hello"}, 20s);
        INFO(name << "=" << value << "\nstderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK_THAT(r.err, Contains("parcook: " + name + "="));
    }
    {
        ScopedEnv rank("PMI_RANK", "3"), size("PMI_SIZE", "2"); // a rank past the size
        const Run r = parcook::test::parcook({"mpi", "hello"}, 20s);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("PMI_RANK='3': expected a number below PMI_SIZE=2"));
    }
    {
        // a bad PMI_RANK outside mpi silences nothing: the usage error is printed
        ScopedEnv rank("PMI_RANK", "abc");
        const Run r = parcook::test::parcook({"mpi", "hello", "--bogus"}, 20s);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("--bogus"));
    }
}

TEST_CASE("mpi: under mpiexec a usage error is printed once and no rank hangs") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"mpi", "hello", "--bogus"},
          std::vector<std::string>{"mpi", "hello", "--np", "x"},
          std::vector<std::string>{"mpi", "deadlock", "--variant", "sideways"}}) {
        const Run r = mpiexec(3, args, 20s);
        INFO(Catch::Detail::stringify(args) << "\nstderr: " << r.err);
        CHECK_FALSE(r.timed_out);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.starts_with("parcook: "));
    }
}

TEST_CASE("mpi: per-rank memory is checked for every rank on the node, before allocating") {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double available = 0, kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:")
            available = kib * 1024;
    // --count n broadcasts n 8-byte integers to every rank: one rank's share fits, two do not.
    const double count = std::min(0.7 * available / 8, double(INT32_MAX));
    if (2 * 8 * count <= 0.9 * available) {
        WARN("this machine has too much memory for the test's largest --count");
        return;
    }
    const Run r = mpiexec(2, {"mpi", "broadcast", "--count", fmt::format("{:.0f}", count)}, 20s);
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.seconds < 10); // refused, not allocated
    CHECK_THAT(r.err, Contains("--count: this size needs"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}
