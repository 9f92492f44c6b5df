// processes/pipe: "How to exchange objects between processes: using pipes" [book ch.3].
// Shows: a pipeline of processes, and when a reader sees end-of-file: only once every copy of
// the pipe's write end is closed. Process 1 writes 0..values-1 into pipe 1; process 2 reads pipe 1
// until EOF and writes each square into pipe 2; main prints what arrives on pipe 2 until EOF,
// then "End". The processes are fork()ed (parcook has no thread yet at this point) and every
// one closes the pipe ends it does not use. --keep-open makes main keep its copy of pipe 1's
// write end: process 2 never sees EOF, so neither does main; main reports it after --timeout,
// then closes the copy, and the pipeline drains.
// Deviation: the book's duplex Pipe()s become one-way pipe()s, with fixed-size int64 frames.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "parcook/frames.hpp"
#include "processes/support/fork.hpp"

#include <boost/json/value_from.hpp>
#include <cerrno>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

namespace parcook {
namespace {

void send(int fd, std::int64_t v) {
    for (std::size_t done = 0; done < sizeof v;) {
        const ssize_t n = ::write(fd, reinterpret_cast<const char*>(&v) + done, sizeof v - done);
        if (n < 0 && errno != EINTR)
            ::_exit(3); // the reader is gone
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
}

// One frame, or false at EOF.
bool receive(int fd, std::int64_t& v) {
    std::size_t done = 0;
    while (done < sizeof v) {
        const ssize_t n = ::read(fd, reinterpret_cast<char*>(&v) + done, sizeof v - done);
        if (n == 0 || (n < 0 && errno != EINTR))
            return false;
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    return true;
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.count("values");
    if (n < 1)
        throw UsageError("--values: at least 1");
    const bool keep_open = ctx.flag("keep-open");
    const Duration timeout = ctx.duration("timeout");
    if (timeout < std::chrono::milliseconds(1))
        throw UsageError("--timeout: must be at least 1ms");

    // Each process closes the ends it does not use: reset() is what makes EOF reach a reader.
    Pipe one = make_pipe(), two = make_pipe();
    const pid_t sender = fork_child([&] {
        one.read.reset();
        two = {};
        for (std::uint64_t i = 0; i < n; ++i)
            send(one.write.get(), static_cast<std::int64_t>(i));
        one.write.reset();
    });
    const pid_t squarer = fork_child([&] {
        one.write.reset();
        two.read.reset();
        for (std::int64_t v; receive(one.read.get(), v);)
            send(two.write.get(), v * v);
        two.write.reset();
    });
    one.read.reset();
    two.write.reset();
    if (!keep_open)
        one.write.reset();

    // Print what arrives until EOF; past --timeout without data, report the missing EOF once.
    std::vector<std::int64_t> got;
    bool missed_eof = false;
    for (;;) {
        pollfd p{two.read.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(to_seconds(timeout) * 1000));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            missed_eof = true;
            ctx.say("main", fmt::format("no EOF after {}: a write end of pipe 1 is still open "
                                        "(main's own copy); closing it",
                                        format_seconds(to_seconds(timeout))));
            one.write.reset();
            continue;
        }
        std::int64_t v;
        if (!receive(two.read.get(), v))
            break;
        got.push_back(v);
        ctx.say("main", std::to_string(v));
    }
    ctx.say("main", "End");
    const int codes[] = {join_forked(sender), join_forked(squarer)};

    bool squares = got.size() == n;
    for (std::uint64_t i = 0; squares && i < n; ++i)
        squares = got[i] == static_cast<std::int64_t>(i * i);
    ctx.check(fmt::format("main received exactly the squares of 0..{}, in order, then EOF", n - 1),
              squares, fmt::format("{} values", got.size()));
    if (keep_open)
        ctx.check("with main's write end kept open, EOF was missing until --timeout", missed_eof);
    else
        ctx.check("EOF arrived without waiting for --timeout", !missed_eof);
    ctx.check("both pipeline processes exited with code 0", codes[0] == 0 && codes[1] == 0,
              fmt::format("exit codes {} {}", codes[0], codes[1]));
    ctx.param("values", n);
    ctx.param("keep_open", keep_open);
    ctx.field("squares", boost::json::value_from(got));
}

} // namespace

extern const Recipe processes_pipe{
    .group = "processes",
    .name = "pipe",
    .summary = "a pipeline of processes over two pipes: numbers in, squares out, then EOF",
    .book = "How to exchange objects between processes: using pipes [book ch.3]",
    .options = {count_option("values", "10",
                             "how many numbers process 1 sends (each one is a line of output)",
                             100000),
                flag_option("keep-open", "main keeps its copy of pipe 1's write end open"),
                duration_option("timeout", "1s",
                                "how long main waits for data before it reports "
                                "a missing EOF")},
    .run = run,
    .tour_args = {"--keep-open", "--timeout", "100ms"},
};

} // namespace parcook
