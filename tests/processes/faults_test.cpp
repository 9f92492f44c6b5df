// Faults around the process recipes: signals to parcook mid-run, a worker killed or hanging,
// and two runs side by side. Each run is started in the background in its own process group,
// so the test can watch its children in /proc and never leaves one behind.
#include "support/procfs.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;
using namespace parcook::test;
using namespace std::chrono_literals;

namespace {

bool gone(pid_t pid) { // not even a zombie
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::vector<std::string> shm_of(pid_t pid) {
    std::vector<std::string> v;
    const std::string prefix = "parcook-" + std::to_string(pid) + "-";
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm")) {
        const std::string name = entry.path().filename();
        if (name.starts_with(prefix) || name.starts_with("sem." + prefix))
            v.push_back(name);
    }
    return v;
}

// The environment for a run that a signal will end. parcook then leaves from its signal handler
// with _exit(128 + signal), by design without joining its threads; under ThreadSanitizer that
// would count as a thread leak (exit 66), so only that report is turned off. Races still count.
std::vector<std::string> interrupted_environment() {
    std::vector<std::string> env;
    bool found = false;
    for (char** e = environ; *e; ++e) {
        std::string var = *e;
        if (var.starts_with("TSAN_OPTIONS=")) {
            var += ":report_thread_leaks=0";
            found = true;
        }
        env.push_back(var);
    }
    if (!found)
        env.emplace_back("TSAN_OPTIONS=report_thread_leaks=0");
    return env;
}

// `parcook <args>` in the background, output to files, in a process group of its own.
class Background {
public:
    explicit Background(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
        const std::vector<char*> envp = exec_vector(env);
        std::vector<std::string> argv = command_words(args);
        const std::vector<char*> raw = exec_vector(argv);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, out_.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err_.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        const int rc = posix_spawn(&pid_, raw[0], &files, &attr, raw.data(),
                                   env.empty() ? environ : envp.data());
        posix_spawn_file_actions_destroy(&files);
        posix_spawnattr_destroy(&attr);
        REQUIRE(rc == 0);
    }
    ~Background() {
        if (!code_) {
            ::kill(-pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        std::remove(out_.c_str());
        std::remove(err_.c_str());
    }
    pid_t pid() const { return pid_; }

    // Waits until the run has at least `count` children; returns them.
    std::set<pid_t> children(std::size_t count, std::chrono::seconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            std::set<pid_t> kids;
            for (const auto& [pid, entry] : process_table())
                if (entry.parent == pid_)
                    kids.insert(pid);
            if (kids.size() >= count)
                return kids;
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(10ms);
        }
    }

    // Waits for the exit code (Python-style), failing the test past `limit`.
    int wait(std::chrono::seconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            INFO("parcook pid " << pid_ << " did not exit in time\n" << err());
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(10ms);
        }
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        return *code_;
    }

    std::string out() const { return slurp(out_); }
    std::string err() const { return slurp(err_); }
    boost::json::object record() const { return Run{*code_, false, 0, out(), err()}.record(); }

private:
    static std::string temp(const char* what) {
        return "/tmp/parcook-faults-" + std::to_string(::getpid()) + "-" +
               std::to_string(counter()++) + "." + what;
    }
    static int& counter() {
        static int c = 0;
        return c;
    }
    static std::string slurp(const std::string& path) {
        std::ifstream in(path);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    std::string out_ = temp("out"), err_ = temp("err");
    pid_t pid_ = -1;
    std::optional<int> code_;
};

const boost::json::object* fault_of(const boost::json::object& record, pid_t pid) {
    for (const auto& f : field(record, "faults").as_array())
        if (f.at("pid").to_number<pid_t>() == pid)
            return &f.as_object();
    return nullptr;
}

} // namespace

TEST_CASE("processes: SIGINT or SIGTERM mid-run ends every child and leaves no segment") {
    struct Case {
        std::vector<std::string> args;
        int signal;
        bool whole_group; // Ctrl-C in a terminal signals the whole process group
    };
    const auto [args, sig, whole_group] =
        GENERATE(Case{{"processes", "pool", "--workers", "2", "--n", "40", "--sleep", "100ms"},
                      SIGINT,
                      false},
                 Case{{"processes", "pool", "--workers", "3", "--n", "40", "--sleep", "100ms"},
                      SIGTERM,
                      false},
                 Case{{"processes", "vector-sum", "--n", "2e6", "--workers", "2", "-r", "100000"},
                      SIGTERM,
                      false},
                 Case{{"processes", "vector-sum", "--n", "2e6", "--workers", "2", "-r", "100000"},
                      SIGINT,
                      true});
    INFO(Catch::Detail::stringify(args)
         << " signal " << sig << (whole_group ? " to the group" : ""));
    Background run(args, interrupted_environment());
    const unsigned workers = static_cast<unsigned>(std::stoi(args[3]));
    const std::set<pid_t> kids = run.children(workers);
    if (args[1] == "vector-sum")
        CHECK(shm_of(run.pid()).size() == 1); // the segment exists while it runs
    std::this_thread::sleep_for(300ms);       // mid-run
    ::kill(whole_group ? -run.pid() : run.pid(), sig);
    CHECK(run.wait() == 128 + sig);
    for (pid_t kid : kids)
        CHECK(gone(kid));
    for (const auto& [pid, entry] : process_table())
        CHECK(entry.parent != run.pid());
    CHECK(shm_of(run.pid()).empty());
}

TEST_CASE("processes/pool: a worker killed mid-run is reported and its items run again") {
    Background run({"processes", "pool", "--workers", "2", "--n", "20", "--chunk", "1", "--sleep",
                    "100ms", "--format", "json"});
    const pid_t victim = *run.children(2).begin();
    std::this_thread::sleep_for(300ms);
    ::kill(victim, SIGKILL);
    REQUIRE(run.wait() == 0);
    const auto record = run.record();
    CHECK(all_checks_passed(record)); // every square, in order, none lost
    const auto* fault = fault_of(record, victim);
    REQUIRE(fault);
    CHECK(fault->at("exit_code").to_number<int>() == -9);
    CHECK(fault->at("reason").as_string() == "died");
    CHECK(fault->at("rerun").as_bool());
    CHECK(gone(victim));
}

TEST_CASE("processes/pool: a worker that crashes on an item is reported and the item re-run") {
    auto r = record_of({"processes", "pool", "--workers", "2", "--crash-on", "37"});
    CHECK(all_checks_passed(r));
    const auto& faults = field(r, "faults").as_array();
    REQUIRE(faults.size() == 1);
    CHECK(faults[0].at("exit_code").to_number<int>() == -6); // SIGABRT, like Python's exitcode
    CHECK(faults[0].at("rerun").as_bool());
    bool holds_37 = false;
    for (const auto& item : faults[0].at("items").as_array())
        holds_37 |= item.to_number<int>() == 37;
    CHECK(holds_37);
    bool said = false;
    for (const std::string& line : trace_lines(r))
        said |= line.starts_with("pool: worker ") && line.find("SIGABRT") != std::string::npos;
    CHECK(said);
    // The "no item lost" rule is read from the pool's faults, not assumed.
    std::string detail;
    for (const auto& c : r.at("checks").as_array())
        if (c.at("what").as_string().starts_with("no item lost"))
            detail = std::string(c.at("detail").as_string());
    CHECK(detail == "1 fault(s), 1 chunk(s) run again, 1 worker(s) replaced");
}

TEST_CASE("processes/pool: with --retries 0 the lost items are named and the run fails") {
    const Run r = parcook::test::parcook({"processes", "pool", "--workers", "2", "--crash-on", "37",
                                          "--retries", "0", "--format", "json"});
    REQUIRE(r.code == 1);
    const auto record = r.record();
    std::string detail;
    for (const auto& c : record.at("checks").as_array())
        if (!c.at("passed").as_bool())
            detail = std::string(c.at("detail").as_string());
    CHECK(detail.find("items 26..38 lost") != std::string::npos); // 100 items, chunks of 13
    CHECK(detail.find("exit code -6") != std::string::npos);
    const auto& faults = field(record, "faults").as_array();
    REQUIRE(faults.size() == 1);
    CHECK_FALSE(faults[0].at("rerun").as_bool());
}

TEST_CASE("processes/pool: a hanging worker is bounded by --timeout and reported") {
    const Run r =
        parcook::test::parcook({"processes", "pool", "--workers", "2", "--n", "10", "--hang-on",
                                "3", "--timeout", "500ms", "--format", "json"},
                               20s);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.code == 0);
    const auto record = r.record();
    CHECK(all_checks_passed(record));
    const auto& faults = field(record, "faults").as_array();
    REQUIRE(faults.size() == 1);
    CHECK(faults[0].at("reason").as_string() == "timed out");
    CHECK(faults[0].at("exit_code").to_number<int>() == -9);
    CHECK(r.seconds < 10);

    const Run lost =
        parcook::test::parcook({"processes", "pool", "--workers", "2", "--n", "10", "--hang-on",
                                "3", "--timeout", "300ms", "--retries", "0"},
                               20s);
    CHECK(lost.code == 1);
    CHECK(lost.out.find("overran --timeout") != std::string::npos);
}

TEST_CASE("processes: two runs of the same recipe at once both verify") {
    const std::vector<std::string> recipe =
        GENERATE(std::vector<std::string>{"processes", "vector-sum", "--n", "1e6", "-r", "20"},
                 std::vector<std::string>{"processes", "pool", "--workers", "2", "--n", "30",
                                          "--sleep", "10ms"});
    std::vector<std::string> args = recipe;
    args.insert(args.end(), {"--format", "json"});
    // Catch assertions stay on this thread: the runs only run in the others.
    auto first = std::async(std::launch::async, [&] { return parcook::test::parcook(args); });
    auto second = std::async(std::launch::async, [&] { return parcook::test::parcook(args); });
    for (const Run& r : {first.get(), second.get()}) {
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(all_checks_passed(r.record()));
    }
}
