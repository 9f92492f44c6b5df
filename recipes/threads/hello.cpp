// threads/hello: "Start working with threads in Python" [book ch.1].
// Shows: a thread is a sub-task of its process that keeps running after the main flow has done
// its own work: "Process Ended" comes out while the thread is still printing its message.
// A Thread subclass (named_thread.hpp) prints "Thread Starting", the message --count times with
// an --interval sleep after each, then "Thread Ended". Main starts it, says "Process Ended" and
// then joins it explicitly: CPython silently joins non-daemon threads at exit, C++ does not, and
// the join must happen before the thread object is destroyed.
// Book issues: the run instructions name the wrong script (nothing to port).
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace parcook {
namespace {

constexpr std::string_view message = "Hello Parallel Python CookBook!!";

class HelloThread : public threads::Thread {
public:
    HelloThread(Context& ctx, std::uint64_t count, Duration interval)
        : ctx_(ctx), count_(count), interval_(interval) {}

private:
    void run(std::stop_token) override {
        ctx_.say(name(), "Thread Starting");
        for (std::uint64_t i = 0; i < count_; ++i) {
            ctx_.say(name(), message);
            std::this_thread::sleep_for(interval_);
        }
        ctx_.say(name(), "Thread Ended");
    }

    Context& ctx_;
    std::uint64_t count_;
    Duration interval_;
};

void run(Context& ctx) {
    const std::uint64_t count = ctx.count("count");
    const Duration interval = ctx.duration("interval");
    if (count == 0)
        throw UsageError("--count: must be at least 1");
    if (interval <= Duration::zero())
        throw UsageError(
            "--interval: must be longer than 0 (main finishes while the thread sleeps)");
    ctx.param("count", count);
    ctx.param("interval_s", to_seconds(interval));

    const std::string& main = threads::this_thread_name();
    ctx.say(main, "Process Started");
    HelloThread thread(ctx, count, interval);
    thread.start();
    ctx.say(main, "Process Ended");
    thread.join(); // before `thread` is destroyed: its run() uses the derived object

    // The rules, read back from the trace (lines are kept in the order they were printed).
    const auto& trace = ctx.result().trace;
    auto position = [&](std::string_view text, std::size_t nth = 0) {
        std::size_t seen = 0;
        for (std::size_t i = 0; i < trace.size(); ++i)
            if (trace[i].text == text && seen++ == nth)
                return i;
        return trace.size(); // not printed
    };
    const auto messages = static_cast<std::uint64_t>(
        std::count_if(trace.begin(), trace.end(), [](const auto& l) { return l.text == message; }));
    const std::size_t ended = position("Process Ended"), thread_ended = position("Thread Ended");
    ctx.field("message_lines", messages);
    ctx.check("exactly --count message lines", messages == count,
              fmt::format("{} lines, expected {}", messages, count));
    ctx.check("'Process Ended' before 'Thread Ended'", ended < thread_ended,
              fmt::format("lines {} and {}", ended, thread_ended));
    if (count >= 2)
        ctx.check("'Process Ended' before the second message", ended < position(message, 1),
                  fmt::format("lines {} and {}", ended, position(message, 1)));
    ctx.check("the thread was joined: 'Thread Ended' printed before main returned",
              thread_ended < trace.size());
}

} // namespace

extern const Recipe threads_hello{
    .group = "threads",
    .name = "hello",
    .summary = "a Thread subclass keeps printing after the main flow has ended its own work",
    .book = "Start working with threads in Python [book ch.1]",
    .options = {count_option("count", "10", "how many times the thread prints the message"),
                duration_option("interval", "2s", "sleep after each message")},
    .run = run,
    .tour_args = {"--count", "3", "--interval", "20ms"},
};

} // namespace parcook
