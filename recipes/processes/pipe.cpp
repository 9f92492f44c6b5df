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

#include <boost/json/value_from.hpp>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace parcook {
namespace {

// Both ends of a pipe; close() is what makes EOF reach the reader.
struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fd[2];
        if (::pipe2(fd, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
        read = fd[0];
        write = fd[1];
    }
    ~Pipe() { close_both(); }
    static void close(int& fd) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
    void close_both() {
        close(read);
        close(write);
    }
};

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

// Runs `body` in a forked child that ends with _exit (no destructors, no atexit handlers).
template <class F>
pid_t fork_child(F body) {
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        body();
        ::_exit(0);
    }
    return pid;
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.count("values");
    if (n < 1)
        throw UsageError("--values: at least 1");
    const bool keep_open = ctx.flag("keep-open");
    const Duration timeout = ctx.duration("timeout");
    if (timeout < std::chrono::milliseconds(1))
        throw UsageError("--timeout: must be at least 1ms");

    Pipe one, two;
    const pid_t sender = fork_child([&] {
        Pipe::close(one.read);
        two.close_both();
        for (std::uint64_t i = 0; i < n; ++i)
            send(one.write, static_cast<std::int64_t>(i));
        Pipe::close(one.write);
    });
    const pid_t squarer = fork_child([&] {
        Pipe::close(one.write);
        Pipe::close(two.read);
        for (std::int64_t v; receive(one.read, v);)
            send(two.write, v * v);
        Pipe::close(two.write);
    });
    Pipe::close(one.read);
    Pipe::close(two.write);
    if (!keep_open)
        Pipe::close(one.write);

    // Print what arrives until EOF; past --timeout without data, report the missing EOF once.
    std::vector<std::int64_t> got;
    bool missed_eof = false;
    for (;;) {
        pollfd p{two.read, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(to_seconds(timeout) * 1000));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            missed_eof = true;
            ctx.say("main", fmt::format("no EOF after {}: a write end of pipe 1 is still open "
                                        "(main's own copy); closing it",
                                        format_seconds(to_seconds(timeout))));
            Pipe::close(one.write);
            continue;
        }
        std::int64_t v;
        if (!receive(two.read, v))
            break;
        got.push_back(v);
        ctx.say("main", std::to_string(v));
    }
    ctx.say("main", "End");
    int codes[2];
    for (int i = 0; const pid_t pid : {sender, squarer}) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        codes[i++] = exit_code_of(status);
    }

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
