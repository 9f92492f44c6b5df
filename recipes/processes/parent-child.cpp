// processes/parent-child: parent and child scripts [wiki].
// Shows: independent OS processes started in the background run concurrently. The parent
// starts --children copies of the child program (parcook in its child role), which prints
// "starting work", sleeps, "work work work work work", sleeps, "done working". By default the
// parent waits for all, and the total is about one child's time, not five. --detach returns at
// once and the children finish on their own, appending their lines to --log. --shell starts
// each child the wiki's way, through `/bin/sh -c "... &"`; the shell returns at once, so the
// parent can only follow the children through --log.
// Book issues: Python 2 print statements; the parent never waits, leaving orphans.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "parcook/subprocess.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

constexpr std::string_view lines[] = {"starting work", "work work work work work", "done working"};

struct ChildArgs {
    std::uint32_t index; // from 1
    Duration sleep;
    std::string log; // "" when there is none
};

// The wiki's child.py; each line also goes to the --log file when there is one.
void child(Context&, const ChildArgs& args) {
    const std::string who = fmt::format("child-{}", args.index);
    const Fd log(args.log.empty() ? -1 : ::open(args.log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    for (std::size_t i = 0; i < std::size(lines); ++i) {
        if (i > 0)
            std::this_thread::sleep_for(args.sleep);
        child_say(who, lines[i]);
        if (log)
            child_say(who, lines[i], log.get());
    }
}

std::vector<ChildLine> read_log(const std::string& path) {
    std::vector<ChildLine> v;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (auto said = parse_child_line(line))
            v.push_back(*said);
    return v;
}

std::size_t count_done(const std::vector<ChildLine>& log) {
    return static_cast<std::size_t>(std::count_if(
        log.begin(), log.end(), [](const ChildLine& l) { return l.text == lines[2]; }));
}

std::string sh_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// The wiki's os.system("python child.py &"): the shell puts the child in the background and
// returns at once; the child's output goes to /dev/null, its lines to the log. The shell holds
// the child's role arguments on role_args_fd, and the child inherits them from it.
int start_through_shell(const RoleLaunch& launch) {
    std::string command = sh_quote(self_exe());
    for (const std::string& a : launch.args)
        command += " " + sh_quote(a);
    command += " >/dev/null 2>&1 &";
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, launch.role_args.get(), role_args_fd);
    for (int fd : {0, 1, 2})
        ::posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
    pid_t pid = -1;
    const int error =
        ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        throw std::runtime_error(fmt::format("cannot start /bin/sh: {}", std::strerror(error)));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return exit_code_of(status);
}

void run(Context& ctx) {
    const auto count = static_cast<std::size_t>(ctx.integer("children"));
    const Duration sleep = ctx.duration("sleep");
    const bool detach = ctx.flag("detach"), shell = ctx.flag("shell");
    const std::string& log = ctx.text("log");
    if ((detach || shell) && log.empty())
        throw UsageError(fmt::format("--log: needed with --{} (the children report through it)",
                                     shell ? "shell" : "detach"));
    if (!log.empty()) { // read back while the children write it: a regular file, nothing else
        struct stat st {};
        const bool exists = ::stat(log.c_str(), &st) == 0;
        if (exists && !S_ISREG(st.st_mode))
            throw UsageError(fmt::format("--log: {} is not a regular file", quote_input(log)));
        if (!std::ofstream(log, std::ios::trunc))
            throw UsageError(fmt::format("--log: cannot write {}", quote_input(log)));
    }

    std::vector<Child> children;
    std::vector<int> codes;
    for (std::size_t i = 0; i < count; ++i) {
        const RoleCall call =
            role_call("child", ChildArgs{static_cast<std::uint32_t>(i + 1), sleep, log});
        if (shell) {
            codes.push_back(start_through_shell(prepare_role(ctx, call)));
        } else {
            children.emplace_back(
                ctx, fmt::format("child-{}", i + 1), call,
                ChildOptions{.relay_output = true, .die_with_parent = !detach, .detached = detach});
        }
    }
    ctx.param("children", static_cast<std::int64_t>(count));
    ctx.param("detach", detach);
    ctx.param("shell", shell);

    if (detach) {
        const std::size_t done = count_done(read_log(log));
        ctx.say("parent",
                fmt::format("returning now; {} children go on, writing to {}", count, log));
        ctx.check("the parent returns before any child has finished", done == 0,
                  fmt::format("{} \"done working\" lines already in the log", done));
        return;
    }
    for (Child& c : children)
        codes.push_back(c.wait());
    if (shell) { // follow the children through the log, then take their lines into the trace
        const auto deadline = Stopwatch::clock::now() + 2 * sleep + std::chrono::seconds(10);
        std::vector<ChildLine> said;
        while (count_done(said = read_log(log)) < count && Stopwatch::clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        for (const ChildLine& l : said)
            ctx.say(l.who, l.text, l.at);
    }

    // Each child's lines in order, and when each one started and finished.
    std::map<std::string, std::vector<std::string>> by_child;
    std::vector<double> starts, ends;
    for (const TraceLine& line : ctx.result().trace) {
        if (!line.who.starts_with("child-"))
            continue;
        by_child[line.who].push_back(line.text);
        if (line.text == lines[0])
            starts.push_back(line.t);
        if (line.text == lines[2])
            ends.push_back(line.t);
    }
    const std::vector<std::string> expected(std::begin(lines), std::end(lines));
    const bool in_order = by_child.size() == count &&
                          std::all_of(by_child.begin(), by_child.end(),
                                      [&](const auto& c) { return c.second == expected; });
    ctx.check(fmt::format("{} child lines, each child's three in order", 3 * count), in_order,
              fmt::format("{} children reported", by_child.size()));
    const bool overlap = starts.size() == count && ends.size() == count &&
                         *std::max_element(starts.begin(), starts.end()) <
                             *std::min_element(ends.begin(), ends.end());
    ctx.check("the children's lifetimes overlap (every child started before any finished)",
              count < 2 || overlap);
    ctx.check(shell ? "every shell exited with code 0" : "every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }),
              fmt::format("exit codes {}", fmt::join(codes, " ")));
}

} // namespace

extern const Recipe processes_parent_child{
    .group = "processes",
    .name = "parent-child",
    .summary = "a parent starts five independent child programs that run concurrently",
    .book = "parent and child scripts [wiki]",
    .options = {integer_option("children", 5, "how many child programs", 1, 64),
                duration_option("sleep", "1s", "each of the child's two pauses",
                                std::chrono::milliseconds(100)),
                flag_option("detach", "return at once; the children finish on their own"),
                flag_option("shell", "start each child through /bin/sh -c \"... &\""),
                text_option("log", "",
                            "file the children append their lines to (needed with "
                            "--detach and --shell; truncated first)")},
    .run = run,
    .tour_args = {"--sleep", "100ms"},
    .roles = {{"child", child}},
};

} // namespace parcook
