// processes/exec: "Start working with processes in Python" [book ch.1].
// Shows: exec replaces the running program; nothing after a successful exec runs, so "Good
// Bye!!" never appears. The calling part prints its pid and execv()s /proc/self/exe as the
// recipe's "called" role, which prints the greeting and the same pid (a replacement, not a
// child), waits for Enter (--no-wait skips it) and says "Closing calledProcess".
// Since the calling program is gone, the record is written by the called one: the caller's
// line reaches it in the role's arguments (pid and time stamp; its trace time is negative,
// before the new program started), and the caller's own options follow it through argv.
// Book issue: it mixes Python 3 print() with Python 2's raw_input and print statement.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "parcook/output.hpp"
#include "parcook/writers.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace parcook {
namespace {

std::string calling_line(long pid) {
    return fmt::format("Process calling (pid {})", pid);
}

struct Called {
    std::int64_t caller_pid;
    std::int64_t called_at_ns; // steady clock, when the caller exec'd
};

void called(Context& ctx, const Called& args) {
    // The caller already printed its line; only its record entry is added here.
    const long caller = static_cast<long>(args.caller_pid);
    const Stopwatch::clock::time_point at{std::chrono::nanoseconds(args.called_at_ns)};
    const double before = std::chrono::duration<double>(Stopwatch::clock::now() - at).count();
    auto& trace = ctx.result().trace;
    trace.insert(trace.begin(), TraceLine{ctx.elapsed() - before, "calling", calling_line(caller)});

    ctx.say("called", fmt::format("Hello Python Parallel Cookbook!! (pid {})", ::getpid()));
    if (!ctx.flag("no-wait")) {
        ctx.say("called", "Press ENTER to exit");
        std::string line;
        std::getline(std::cin, line);
    }
    ctx.say("called", "Closing calledProcess");

    auto said = [&](std::string_view text) {
        return std::any_of(trace.begin(), trace.end(), [&](const TraceLine& l) {
            return l.text.find(text) != std::string::npos;
        });
    };
    ctx.check("the greeting and \"Closing calledProcess\" appear, \"Good Bye!!\" never does",
              said("Hello Python Parallel Cookbook!!") && said("Closing calledProcess") &&
                  !said("Good Bye!!"));
    ctx.check("the pid is the same before and after the exec", caller == ::getpid(),
              fmt::format("{} before, {} after", caller, ::getpid()));
    ctx.field("pid_before", caller);
    ctx.field("pid_after", ::getpid());

    // This process is the one the user started: it ends as the recipe would.
    const Result result = ctx.take_result();
    write_stdout(reporter(ctx.common().format, !ctx.common().no_header)->record(result));
    throw ExitNow{result.verified() ? exit_verified : exit_failed};
}

void run(Context& ctx) {
    ctx.say("calling", calling_line(::getpid()));
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
        Stopwatch::clock::now().time_since_epoch());
    RoleLaunch launch = prepare_role(ctx, role_call("called", Called{::getpid(), now.count()}));
    std::vector<std::string> args{"parcook"};
    args.insert(args.end(), launch.args.begin(), launch.args.end());
    args.insert(args.end(), ctx.args().begin(), ctx.args().end());
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::dup2(launch.role_args.get(), role_args_fd) >= 0)
        ::execv("/proc/self/exe", argv.data());

    // Reached only if dup2 or execv failed.
    const int error = errno;
    ctx.say("calling", "Good Bye!!");
    ctx.check("execv replaced the running program", false, std::strerror(error));
}

} // namespace

extern const Recipe processes_exec{
    .group = "processes",
    .name = "exec",
    .summary = "execv() replaces the running program; the line after it never runs",
    .book = "Start working with processes in Python [book ch.1]",
    .options = {flag_option("no-wait", "do not wait for Enter in the called program")},
    .run = run,
    .tour_args = {"--no-wait"},
    .roles = {{"called", called}},
};

} // namespace parcook
