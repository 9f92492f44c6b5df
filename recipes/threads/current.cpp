// threads/current: "How to determine the current thread" [book ch.2].
// Shows: a thread can ask who it is. Three threads named after the book's three functions each
// print "<name> is Starting", sleep --sleep, then "<name> is Exiting", where <name> is read by
// the thread itself (this_thread_name(): a thread_local set when the Thread starts, see
// named_thread.hpp). All three start before any exits. The record also lists each thread's
// std::this_thread::get_id() and the name the OS knows it by (pthread_setname_np, 15 chars).
// Book issues: the three functions are identical, so the port has one; the code names all three
// threads while the explanation leaves the third unnamed, which gives it a default "Thread-<n>"
// (--unnamed-third); joins appear only in the explanation, the port joins all three.
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <deque>
#include <fmt/format.h>
#include <regex>
#include <sstream>

namespace parcook {
namespace {

struct Seen {
    std::string name, id, os_name;
    double start = 0, end = 0; // the sleep, in seconds since the recipe started
};

// The body of first_function, second_function and third_function.
void function(Context& ctx, Duration sleep, Seen& seen) {
    const std::string& name = threads::this_thread_name();
    std::ostringstream id;
    id << std::this_thread::get_id();
    char os_name[16] = {};
    ::pthread_getname_np(::pthread_self(), os_name, sizeof os_name);
    seen.name = name;
    seen.id = id.str();
    seen.os_name = os_name;

    ctx.say(name, name + " is Starting");
    seen.start = ctx.elapsed();
    std::this_thread::sleep_for(sleep);
    seen.end = ctx.elapsed();
    ctx.say(name, name + " is Exiting");
}

void run(Context& ctx) {
    const Duration sleep = ctx.duration("sleep");
    const bool unnamed_third = ctx.flag("unnamed-third");
    if (sleep <= Duration::zero())
        throw UsageError("--sleep: must be longer than 0");
    ctx.param("sleep_s", to_seconds(sleep));
    ctx.param("unnamed_third", unnamed_third);

    const std::string given[] = {"first_function", "second_function",
                                 unnamed_third ? "" : "third_function"};
    Seen seen[3];
    std::deque<threads::Thread> threads; // a deque: Threads are neither copied nor moved
    for (int i = 0; i < 3; ++i)
        threads.emplace_back(given[i], [&, i](std::stop_token) { function(ctx, sleep, seen[i]); });
    for (threads::Thread& t : threads)
        t.start();
    for (threads::Thread& t : threads)
        t.join();

    boost::json::array report;
    for (const Seen& s : seen)
        report.push_back({{"name", s.name}, {"id", s.id}, {"os_name", s.os_name}});
    ctx.field("threads", std::move(report));

    const auto& trace = ctx.result().trace;
    std::size_t last_start = 0, first_exit = trace.size();
    for (std::size_t i = 0; i < trace.size(); ++i) {
        if (trace[i].text.ends_with(" is Starting"))
            last_start = i;
        if (trace[i].text.ends_with(" is Exiting"))
            first_exit = std::min(first_exit, i);
    }
    ctx.check(
        "the three 'Starting' lines precede all three 'Exiting' lines", last_start < first_exit,
        fmt::format("last Starting at line {}, first Exiting at line {}", last_start, first_exit));
    const double latest_start = std::max({seen[0].start, seen[1].start, seen[2].start});
    const double earliest_end = std::min({seen[0].end, seen[1].end, seen[2].end});
    ctx.check(
        "the three sleeps overlap", latest_start < earliest_end,
        fmt::format("latest start {:.6f} s, earliest end {:.6f} s", latest_start, earliest_end));

    const bool third_ok = unnamed_third
                              ? std::regex_match(seen[2].name, std::regex("Thread-[0-9]+"))
                              : seen[2].name == given[2];
    ctx.check(unnamed_third
                  ? "named threads report their names, the unnamed third reports Thread-<n>"
                  : "each thread reports the name it was given",
              seen[0].name == given[0] && seen[1].name == given[1] && third_ok,
              fmt::format("reported {}, {}, {}", seen[0].name, seen[1].name, seen[2].name));
    bool os_named = true;
    for (const Seen& s : seen)
        os_named = os_named && s.os_name == s.name.substr(0, 15);
    ctx.check(
        "the OS thread name is the name's first 15 characters", os_named,
        fmt::format("OS names {}, {}, {}", seen[0].os_name, seen[1].os_name, seen[2].os_name));
}

} // namespace

extern const Recipe threads_current{
    .group = "threads",
    .name = "current",
    .summary = "three named threads print their own names; all start before any exits",
    .book = "How to determine the current thread [book ch.2]",
    .options = {duration_option("sleep", "2s", "time each thread sleeps between its two lines"),
                flag_option("unnamed-third", "leave the third thread unnamed (Thread-<n>)")},
    .run = run,
    .tour_args = {"--sleep", "20ms"},
};

} // namespace parcook
