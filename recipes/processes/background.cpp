// processes/background: "How to run a process in the background" [book ch.3].
// Shows: a daemon child does not keep its parent alive. Both children run the book's foo()
// (Starting, --sleep, Exiting); when main ends, parcook does what Python's exit handler does:
// it terminates every daemon child (SIGTERM) and then joins the others. So only
// NO_background_process prints "Exiting", the parent ends as soon as that child has, and no
// child process outlives it (each child also has PR_SET_PDEATHSIG, for a parent that dies
// abruptly).
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <cerrno>
#include <csignal>
#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {

// The book's foo().
void child(Context& ctx) {
    const std::string& name = ctx.text("name");
    child_say(name, "Starting " + name);
    std::this_thread::sleep_for(ctx.duration("sleep"));
    child_say(name, "Exiting " + name);
    throw ExitNow{0};
}

bool gone(pid_t pid) {
    return ::kill(pid, 0) == -1 && errno == ESRCH;
}

void run(Context& ctx) {
    if (ctx.text("role") == "child")
        child(ctx);
    const Duration sleep = ctx.duration("sleep");
    if (sleep < std::chrono::milliseconds(50))
        throw UsageError("--sleep: must be at least 50ms, so that the daemon is stopped while "
                         "the other child still works");
    auto start = [&](const std::string& name) {
        return Child(
            ctx, name,
            {"--role", "child", "--name", name, "--sleep", fmt::format("{}ns", sleep.count())});
    };
    Child daemon = start("background_process");
    Child other = start("NO_background_process");
    const pid_t pids[] = {daemon.pid(), other.pid()};

    ctx.say("main", "main ends: daemon children are terminated, the others joined");
    daemon.request_exit();
    const int daemon_code = daemon.wait();
    const double daemon_gone = ctx.elapsed();
    const int other_code = other.wait();
    const double lifetime = ctx.elapsed();

    double other_started = -1, other_exited = -1;
    bool daemon_exited = false;
    for (const TraceLine& line : ctx.result().trace) {
        if (line.text == "Starting NO_background_process")
            other_started = line.t;
        if (line.text == "Exiting NO_background_process")
            other_exited = line.t;
        daemon_exited = daemon_exited || line.text == "Exiting background_process";
    }
    ctx.check("the non-daemon child printed Starting and Exiting",
              other_started >= 0 && other_exited > other_started);
    ctx.check("the non-daemon child exited with code 0", other_code == 0,
              fmt::format("exit code {}", other_code));
    ctx.check("the daemon child never printed Exiting", !daemon_exited);
    ctx.check("the daemon was terminated (-15) before the non-daemon child finished",
              daemon_code == -SIGTERM && daemon_gone < other_exited,
              fmt::format("exit code {}, gone at {:.3f} s, other exited at {:.3f} s", daemon_code,
                          daemon_gone, other_exited));
    ctx.check("no child process survives the parent (kill(pid, 0) fails with ESRCH)",
              gone(pids[0]) && gone(pids[1]));
    const double s = to_seconds(sleep);
    ctx.check("the parent ended right after the non-daemon child (within one child sleep)",
              other_exited <= lifetime && lifetime < other_exited + s,
              fmt::format("parent ended at {:.3f} s, the non-daemon child exited at {:.3f} s",
                          lifetime, other_exited));
    ctx.param("sleep_s", s);
    ctx.field("child_pids", boost::json::array{pids[0], pids[1]});
    ctx.field("daemon_exit_code", daemon_code);
    ctx.metric("lifetime", lifetime, "s");
}

} // namespace

extern const Recipe processes_background{
    .group = "processes",
    .name = "background",
    .summary = "a daemon child is terminated when main ends; a non-daemon child is waited for",
    .book = "How to run a process in the background [book ch.3]",
    .options = {duration_option("sleep", "3s", "how long each child works"),
                hidden_option(text_option("role", "", "internal: the part this process plays")),
                hidden_option(text_option("name", "", "internal: the child's name"))},
    .run = run,
    .tour_args = {"--sleep", "200ms"},
};

} // namespace parcook
