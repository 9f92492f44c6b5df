// Checks shared by the tests of recipes that use named IPC objects (message queues, shared
// memory, sockets under /dev/shm): names are "parcook-<pid>-...", unique per run, and nothing
// with the run's pid is left in /dev/shm after a normal exit, two concurrent runs, or a signal.
#pragma once
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parcook::test {

// The "ipc" field of a record: the names of the IPC objects the run created.
inline std::vector<std::string> ipc_names(const boost::json::object& record) {
    std::vector<std::string> v;
    for (const auto& n : field(record, "ipc").as_array())
        v.emplace_back(n.as_string());
    return v;
}

// Entries of /dev/shm that belong to the parcook process `pid`.
inline std::vector<std::string> shm_entries_of(long pid) {
    const std::string prefix = "parcook-" + std::to_string(pid) + "-";
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator("/dev/shm")) {
        const std::string name = e.path().filename().string();
        if (name.starts_with(prefix) || name.starts_with("sem." + prefix))
            v.push_back(name);
    }
    return v;
}

// The pid inside a name "parcook-<pid>-...".
inline long pid_in(const std::string& name) {
    return std::stol(name.substr(name.find('-') + 1));
}

// Every name is "parcook-<pid>-..." with one pid, and /dev/shm holds nothing of that pid.
inline void require_nothing_left(const boost::json::object& record) {
    const auto names = ipc_names(record);
    REQUIRE_FALSE(names.empty());
    for (const std::string& n : names) {
        REQUIRE(n.starts_with("parcook-"));
        CHECK(pid_in(n) == pid_in(names.front()));
    }
    CHECK(shm_entries_of(pid_in(names.front())).empty());
}

// Runs the recipe twice at the same time: both verify, with names of their own, and neither
// leaves anything behind.
inline void check_concurrent_runs(const std::vector<std::string>& args) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--format", "json"});
    auto first = std::async(std::launch::async, [&] { return parcook(a); });
    auto second = std::async(std::launch::async, [&] { return parcook(a); });
    const Run runs[] = {first.get(), second.get()};
    std::vector<std::string> names;
    for (const Run& r : runs) {
        INFO("stdout: " << r.out << "\nstderr: " << r.err);
        REQUIRE(r.code == 0);
        const auto record = r.record();
        CHECK(all_checks_passed(record));
        require_nothing_left(record);
        names.push_back(ipc_names(record).front());
    }
    CHECK(names[0] != names[1]);
    CHECK(pid_in(names[0]) != pid_in(names[1]));
}

// The pids of the running children of `parent`.
inline std::vector<long> children_of(long parent) {
    std::vector<long> v;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        std::ifstream stat(e.path() / "stat");
        std::string line;
        if (!std::getline(stat, line) || line.rfind(')') == std::string::npos)
            continue;
        std::istringstream rest(line.substr(line.rfind(')') + 2));
        char state = 0;
        long ppid = 0;
        if (rest >> state >> ppid && ppid == parent)
            v.push_back(std::stol(e.path().filename().string()));
    }
    return v;
}

// A grandchild of this test process whose command line contains `arg` (e.g. a recipe's child
// role), waiting for it up to 10 s; 0 if none appeared.
inline long find_grandchild(const std::string& arg) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        for (long child : children_of(::getpid())) {
            for (long grandchild : children_of(child)) {
                std::ifstream in("/proc/" + std::to_string(grandchild) + "/cmdline");
                const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
                if (cmdline.find(arg) != std::string::npos)
                    return grandchild;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return 0;
}

// Starts `parcook <args>`, waits until its IPC objects exist and it has `children` children,
// sends `sig`, and requires exit code 128 + sig with no child and no IPC object left.
inline void check_signal_cleanup(const std::vector<std::string>& args, std::size_t children,
                                 int sig) {
    std::vector<std::string> argv{PARCOOK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (std::string& s : argv)
        c_argv.push_back(s.data());
    c_argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, c_argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);

    std::vector<long> kids;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((shm_entries_of(pid).empty() || (kids = children_of(pid)).size() < children) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(kids.size() >= children);
    CHECK_FALSE(shm_entries_of(pid).empty());
    ::kill(pid, sig);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO("wait status " << status);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + sig);
    CHECK(shm_entries_of(pid).empty());
    // A child caught between fork and registration dies by PR_SET_PDEATHSIG instead, and is
    // reaped by init a moment later: allow it that moment.
    for (long kid : kids) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (::kill(static_cast<pid_t>(kid), 0) == 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        CHECK((::kill(static_cast<pid_t>(kid), 0) == -1 && errno == ESRCH));
    }
}

} // namespace parcook::test
