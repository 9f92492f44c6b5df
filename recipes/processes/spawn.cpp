// processes/spawn: "How to spawn a process" [book ch.3].
// Shows: creating child processes with Python's two start methods. --start spawn (the default)
// re-executes parcook itself in the recipe's child role, as Python's spawn does; --start fork
// copies this process with fork() while it still has a single thread, and the copy runs foo(i) and
// leaves with _exit(). Each child prints its index and its pid; the parent joins it.
// The record gives the mean time per child from start to join (spawn_join_latency): set it beside
// posix_spawn + waitpid of /bin/true and Python's Process.start() + join(), with e.g.
// `--children 1000 --quiet`.
// Book issue: joining inside the start loop runs the children one after another; that stays the
// default (it is the book's code), and --concurrent starts them all before joining any; each
// child then works --sleep (300ms unless given) so that their lifetimes visibly overlap.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "processes/support/fork.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

// The book's foo(i): the whole life of a child, whichever way it was started.
void foo(std::int64_t i, Duration sleep) {
    const std::string who = fmt::format("Process-{}", i + 1);
    child_say(who, fmt::format("called function in process: {}", i));
    std::this_thread::sleep_for(sleep);
    child_say(who, fmt::format("pid {} done", ::getpid()));
}

struct ChildArgs {
    std::int64_t index;
    Duration sleep;
};

// --start spawn: a new parcook in the child role (its lines come back through Child's pipe).
void child(Context&, const ChildArgs& args) {
    foo(args.index, args.sleep);
}

struct Spawned {
    Child child;
    int join() { return child.wait(); }
};

Spawned spawn(Context& ctx, std::int64_t i, Duration sleep) {
    return {Child(ctx, fmt::format("Process-{}", i + 1), role_call("child", ChildArgs{i, sleep}))};
}

// --concurrent shows lifetimes that overlap: each child must outlive the start of the next.
constexpr Duration concurrent_sleep = std::chrono::milliseconds(300);
constexpr Duration shortest_concurrent_sleep = std::chrono::milliseconds(20);

Duration sleep_of(const Context& ctx, bool concurrent) {
    if (!concurrent)
        return ctx.duration("sleep");
    if (!ctx.given("sleep"))
        return concurrent_sleep;
    if (ctx.duration("sleep") < shortest_concurrent_sleep)
        throw UsageError("--sleep: at least 20ms with --concurrent, or the children end before "
                         "the next one starts and nothing overlaps");
    return ctx.duration("sleep");
}

// --start fork: a copy of this process (support/fork.hpp). Its lines go to `lines`, a file it
// inherits.
struct Forked {
    pid_t pid;
    int join() { return join_forked(pid); }
};

Forked fork_foo(std::int64_t i, Duration sleep, int lines) {
    return {fork_child([&] {
        ::dup2(lines, STDOUT_FILENO);
        foo(i, sleep);
    })};
}

int threads_now() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("Threads:"))
            return std::stoi(line.substr(8));
    return 0;
}

// Starts `count` children with `start(i)`, joins them (one by one or all at the end), and
// returns their exit codes; `samples` gets each child's start-to-join time when sequential.
template <class Start>
std::vector<int> run_children(std::int64_t count, bool concurrent, Start start,
                              std::vector<double>& samples) {
    std::vector<int> codes;
    if (concurrent) {
        std::vector<decltype(start(0))> children;
        for (std::int64_t i = 0; i < count; ++i)
            children.push_back(start(i));
        for (auto& c : children)
            codes.push_back(c.join());
    } else {
        for (std::int64_t i = 0; i < count; ++i) {
            Stopwatch sw;
            codes.push_back(start(i).join());
            samples.push_back(sw.seconds());
        }
    }
    return codes;
}

// Forked children's lines, read once all of them have been joined.
void relay_file(Context& ctx, int fd) {
    std::string all;
    char buf[65536];
    for (off_t at = 0;;) {
        const ssize_t got = ::pread(fd, buf, sizeof buf, at);
        if (got <= 0)
            break;
        all.append(buf, static_cast<std::size_t>(got));
        at += got;
    }
    for (std::size_t begin = 0, nl; (nl = all.find('\n', begin)) != std::string::npos;
         begin = nl + 1)
        relay_line(ctx, "child", std::string_view(all).substr(begin, nl - begin));
}

void run(Context& ctx) {
    const auto count = ctx.integer("children");
    const bool concurrent = ctx.flag("concurrent");
    const Duration sleep = sleep_of(ctx, concurrent);
    const bool forking = ctx.text("start") == "fork";

    std::vector<double> samples;
    std::vector<int> codes;
    Stopwatch wall;
    if (forking) {
        // One in-memory file for every child's lines: unlike a pipe it never fills up while the
        // parent is busy waiting. O_APPEND keeps each child's write whole.
        const int lines = ::memfd_create("spawn-lines", MFD_CLOEXEC);
        if (lines < 0 || ::fcntl(lines, F_SETFL, O_APPEND) != 0)
            throw std::runtime_error(fmt::format("memfd_create: {}", std::strerror(errno)));
        ctx.field("threads_at_fork", threads_now());
        codes = run_children(
            count, concurrent, [&](std::int64_t i) { return fork_foo(i, sleep, lines); }, samples);
        ctx.metric("spawn_join_latency", wall.seconds() / static_cast<double>(count), "s");
        relay_file(ctx, lines);
        ::close(lines);
    } else {
        codes = run_children(
            count, concurrent, [&](std::int64_t i) { return spawn(ctx, i, sleep); }, samples);
        ctx.metric("spawn_join_latency", wall.seconds() / static_cast<double>(count), "s");
    }
    if (!samples.empty())
        ctx.timing(Stats::of(std::move(samples)));
    ctx.headline("spawn_join_latency");

    // Read the trace back: which index each line names, in order, and when each child lived.
    std::vector<std::int64_t> order;
    std::set<std::string> pids;
    std::vector<double> begin(static_cast<std::size_t>(count)), end(begin);
    for (const TraceLine& line : ctx.result().trace) {
        if (!line.who.starts_with("Process-"))
            continue;
        const auto i = static_cast<std::size_t>(std::stoll(line.who.substr(8)) - 1);
        if (i >= begin.size())
            continue;
        if (line.text.starts_with("called function")) {
            order.push_back(static_cast<std::int64_t>(i));
            begin[i] = line.t;
        } else {
            pids.insert(line.text.substr(4, line.text.find(' ', 4) - 4));
            end[i] = line.t;
        }
    }
    std::vector<std::int64_t> sorted_order = order;
    std::sort(sorted_order.begin(), sorted_order.end());
    bool each_once = static_cast<std::int64_t>(order.size()) == count;
    for (std::int64_t i = 0; each_once && i < count; ++i)
        each_once = sorted_order[static_cast<std::size_t>(i)] == i;
    ctx.check("each index printed exactly once", each_once, fmt::format("{} lines", order.size()));
    ctx.check("every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }));
    ctx.check("each child ran in its own process",
              static_cast<std::int64_t>(pids.size()) == count &&
                  !pids.contains(std::to_string(::getpid())),
              fmt::format("{} distinct pids", pids.size()));
    if (concurrent) {
        std::int64_t apart = 0; // children that started after the one before had ended
        for (std::size_t i = 1; i < begin.size(); ++i)
            apart += begin[i] >= end[i - 1];
        ctx.check("each child started before the previous one ended (lifetimes overlap)",
                  apart == 0, fmt::format("{} of {} did not", apart, count - 1));
    } else {
        ctx.check("children ran in order 0..n-1", order == sorted_order);
    }
    ctx.param("children", count);
    ctx.param("start", ctx.text("start").c_str());
    ctx.param("concurrent", concurrent);
    ctx.param("sleep_s", to_seconds(sleep));
}

} // namespace

extern const Recipe processes_spawn{
    .group = "processes",
    .name = "spawn",
    .summary = "start child processes that each print their index, and join them",
    .book = "How to spawn a process [book ch.3]",
    .options = {integer_option("children", 5, "how many child processes", 1, 4096),
                choice_option("start", "spawn", {"spawn", "fork"},
                              "spawn: re-execute parcook; fork: copy this process"),
                flag_option("concurrent", "start all children before joining any"),
                duration_option("sleep", "0",
                                "time each child works before exiting (300ms with --concurrent, "
                                "which needs at least 20ms)")},
    .run = run,
    .tour_args = {"--concurrent", "--sleep", "100ms"},
    .roles = {{"child", child}},
};

} // namespace parcook
