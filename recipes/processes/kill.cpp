// processes/kill: "How to kill a process" [book ch.3].
// Shows: terminate() only sends a signal. The child still counts as alive right after it (the
// kernel delivers the signal asynchronously) and stops being alive once join() has reaped it;
// its exit code is then minus the signal number, -15 for SIGTERM, as Python reports it.
// The child is parcook re-executed in its child role; it would print "Finished function" after
// --sleep if the signal did not land first. Deviations: the book's child sleeps 0.1 s; the
// default here is 1 s so the signal always wins. --signal kill sends SIGKILL (what Boost.Process
// v2's terminate() does, -9) and --signal int SIGINT (-2).
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <csignal>
#include <fmt/format.h>
#include <optional>
#include <thread>

namespace parcook {
namespace {

struct ChildArgs {
    Duration sleep;
};

// The book's foo().
void child(Context&, const ChildArgs& args) {
    child_say("foo", "Starting function");
    std::this_thread::sleep_for(args.sleep);
    child_say("foo", "Finished function");
}

// Python's Process object: it exists before start(), and is_alive() is false until then.
struct Process {
    std::optional<Child> child;
    bool is_alive() { return child && child->running(); }
};

void run(Context& ctx) {
    const std::string& how = ctx.text("signal");
    const int signal = how == "term" ? SIGTERM : how == "kill" ? SIGKILL : SIGINT;
    const char* signal_name = how == "term" ? "SIGTERM" : how == "kill" ? "SIGKILL" : "SIGINT";

    auto alive = [&](std::string_view moment, bool is_alive) {
        ctx.say("main", fmt::format("Process {}: alive={}", moment, is_alive ? "True" : "False"));
        return is_alive;
    };
    Process p;
    std::vector<bool> seen{alive("before execution", p.is_alive())};
    p.child.emplace(ctx, "foo", role_call("child", ChildArgs{ctx.duration("sleep")}));
    seen.push_back(alive("running", p.is_alive()));
    if (signal == SIGTERM)
        p.child->request_exit();
    else if (signal == SIGKILL)
        p.child->kill();
    else
        p.child->interrupt();
    seen.push_back(alive(fmt::format("terminated with {}", signal_name), p.is_alive()));
    const int code = p.child->wait();
    seen.push_back(alive("joined", p.is_alive()));
    ctx.say("main", fmt::format("Process exit code: {}", code));

    bool finished = false;
    for (const TraceLine& line : ctx.result().trace)
        finished = finished || line.text == "Finished function";
    ctx.check("alive: False before start, True after start, False after join",
              !seen[0] && seen[1] && !seen[3],
              fmt::format("{} {} {} {}", seen[0], seen[1], seen[2], seen[3]));
    ctx.check(fmt::format("exit code is -{} (killed by the signal)", signal), code == -signal,
              fmt::format("exit code {}", code));
    ctx.check("the child never printed \"Finished function\"", !finished);
    ctx.param("signal", how.c_str());
    ctx.field("exit_code", code);
    boost::json::array flags;
    for (bool flag : seen)
        flags.emplace_back(flag);
    ctx.field("alive", flags);
}

} // namespace

extern const Recipe processes_kill{
    .group = "processes",
    .name = "kill",
    .summary = "terminate a child process and read its exit code (-15)",
    .book = "How to kill a process [book ch.3]",
    .options = {duration_option("sleep", "1s", "how long the child works before finishing"),
                choice_option("signal", "term", {"term", "kill", "int"},
                              "SIGTERM (Python's terminate), SIGKILL (kill) or SIGINT")},
    .run = run,
    .tour_args = {"--sleep", "500ms"},
    .roles = {{"child", child}},
};

} // namespace parcook
