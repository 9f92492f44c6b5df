// processes/background: "How to run a process in the background" [book ch.3].
// Shows: a daemon child does not keep its parent alive. Both children run the book's foo()
// (Starting, --sleep, Exiting); when main ends, parcook does what Python's exit handler does:
// it terminates every daemon child still running (SIGTERM) and then joins every child. So only
// NO_background_process prints "Exiting", the parent ends as soon as that child has, and no
// child process outlives it (each child also has PR_SET_PDEATHSIG, for a parent that dies
// abruptly). --no-daemon starts background_process as an ordinary child: the exit handler then
// joins it too, it prints "Exiting", and the parent lives until both are done.
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <cerrno>
#include <csignal>
#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {

struct ChildArgs {
    std::string name;
    Duration sleep;
};

// The book's foo().
void child(Context&, const ChildArgs& args) {
    child_say(args.name, "Starting " + args.name);
    std::this_thread::sleep_for(args.sleep);
    child_say(args.name, "Exiting " + args.name);
}

// A child with Python's daemon flag.
struct Process {
    Child child;
    bool daemon;
    int exit_code = 0;
    double gone_at = 0; // when it was joined, seconds since the recipe started
};

// Python's exit handler (multiprocessing.util._exit_function): terminate the daemon children
// still running, then join every child.
void at_main_exit(Context& ctx, std::vector<Process>& children) {
    for (Process& p : children)
        if (p.daemon && p.child.running())
            p.child.request_exit();
    for (Process& p : children) {
        p.exit_code = p.child.wait();
        p.gone_at = ctx.elapsed();
    }
}

// When `name` said `text`, or -1.
double said_at(Context& ctx, const std::string& name, const std::string& text) {
    for (const TraceLine& line : ctx.result().trace)
        if (line.who == name && line.text == text)
            return line.t;
    return -1;
}

bool gone(pid_t pid) {
    return ::kill(pid, 0) == -1 && errno == ESRCH;
}

void run(Context& ctx) {
    const Duration sleep = ctx.duration("sleep");
    const bool daemon = !ctx.flag("no-daemon");
    if (sleep < std::chrono::milliseconds(50))
        throw UsageError("--sleep: must be at least 50ms, so that the daemon is stopped while "
                         "the other child still works");
    std::vector<Process> children;
    for (const auto& [name, is_daemon] :
         {std::pair<std::string, bool>{"background_process", daemon},
          {"NO_background_process", false}})
        children.push_back(
            {Child(ctx, name, role_call("child", ChildArgs{name, sleep})), is_daemon});
    const pid_t pids[] = {children[0].child.pid(), children[1].child.pid()};

    ctx.say("main", "main ends: daemon children are terminated, the others joined");
    at_main_exit(ctx, children);
    const double lifetime = ctx.elapsed();

    double last_exit = 0; // when the last non-daemon child said Exiting
    for (const Process& p : children) {
        const std::string& name = p.child.name();
        const double started = said_at(ctx, name, "Starting " + name);
        const double exited = said_at(ctx, name, "Exiting " + name);
        if (p.daemon) {
            ctx.check(fmt::format("daemon {} never printed Exiting", name), exited < 0);
            ctx.check(fmt::format("daemon {} was terminated (-15)", name), p.exit_code == -SIGTERM,
                      fmt::format("exit code {}", p.exit_code));
        } else {
            ctx.check(fmt::format("{} printed Starting and Exiting", name),
                      started >= 0 && exited > started);
            ctx.check(fmt::format("{} was joined: exit code 0", name), p.exit_code == 0,
                      fmt::format("exit code {}", p.exit_code));
            last_exit = std::max(last_exit, exited);
        }
    }
    if (daemon)
        ctx.check("the daemon was gone before the non-daemon child finished",
                  children[0].gone_at < last_exit,
                  fmt::format("gone at {:.3f} s, the other exited at {:.3f} s", children[0].gone_at,
                              last_exit));
    ctx.check("no child process survives the parent (kill(pid, 0) fails with ESRCH)",
              gone(pids[0]) && gone(pids[1]));
    const double s = to_seconds(sleep);
    ctx.check("the parent ended right after its last non-daemon child (within one child sleep)",
              last_exit <= lifetime && lifetime < last_exit + s,
              fmt::format("parent ended at {:.3f} s, the last non-daemon child exited at {:.3f} s",
                          lifetime, last_exit));
    ctx.param("sleep_s", s);
    ctx.param("daemon", daemon);
    ctx.field("child_pids", boost::json::array{pids[0], pids[1]});
    ctx.field("daemon_exit_code", children[0].exit_code);
    ctx.metric("lifetime", lifetime, "s");
}

} // namespace

extern const Recipe processes_background{
    .group = "processes",
    .name = "background",
    .summary = "a daemon child is terminated when main ends; a non-daemon child is waited for",
    .book = "How to run a process in the background [book ch.3]",
    .options = {duration_option("sleep", "3s", "how long each child works"),
                flag_option("no-daemon", "background_process is an ordinary child: it is joined")},
    .run = run,
    .tour_args = {"--sleep", "200ms"},
    .roles = {{"child", child}},
};

} // namespace parcook
