// threads/subclass: "How to use a thread in a subclass" [book ch.2].
// Shows: subclassing Thread and overriding run(). MyThread(id, name, counter) stamps the time
// five times, sleeping counter x --delay before each stamp: Thread-1 every delay, Thread-2 every
// two, so their stamps interleave; Thread-1 exits after ~5 delays, Thread-2 after ~10.
// The book's global exitFlag becomes the jthread's std::stop_token (cooperative cancellation):
// with --stop-after, main asks both threads to stop; they sleep on a condition_variable_any
// with the token, so the request cuts the current sleep short.
// Book issues: as printed, print_time and the main block are indented inside the class and
// would never run; thread.exit() uses a module that is not imported; main prints "Exiting Main
// Thread" right after start() although the sample output has it last. The port joins, then
// prints it.
#include "named_thread.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mutex>

namespace parcook {
namespace {

constexpr int stamps = 5; // print_time's counter in the book

// Sleeps for `d` unless a stop is requested first; returns false if it was.
bool sleep_unless_stopped(const std::stop_token& stop, Duration d) {
    std::mutex m;
    std::condition_variable_any wake;
    std::unique_lock lock(m);
    wake.wait_for(lock, stop, d, [] { return false; });
    return !stop.stop_requested();
}

// Python's time.ctime(), with milliseconds since the tests use short delays.
std::string ctime_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    std::tm local{};
    ::localtime_r(&seconds, &local);
    return fmt::format("{:%a %b %d %H:%M:%S}.{:03d} {:%Y}", local, ms.count() % 1000, local);
}

class MyThread : public threads::Thread {
public:
    MyThread(Context& ctx, int thread_id, std::string name, int counter, Duration delay)
        : Thread(std::move(name)), ctx_(ctx), thread_id_(thread_id), counter_(counter),
          delay_(delay) {}
    int thread_id() const { return thread_id_; }
    int counter() const { return counter_; }

private:
    void run(std::stop_token stop) override {
        ctx_.say(name(), "Starting " + name());
        print_time(stop, counter_ * delay_, stamps);
        ctx_.say(name(), "Exiting " + name());
    }

    void print_time(const std::stop_token& stop, Duration delay, int counter) {
        for (; counter > 0; --counter) {
            if (!sleep_unless_stopped(stop, delay))
                return; // the book's exitFlag
            ctx_.say(name(), fmt::format("{}: {}", name(), ctime_now()));
        }
    }

    Context& ctx_;
    int thread_id_, counter_;
    Duration delay_;
};

// Checks that `thread` stamped `stamps` times (fewer when stopped), each line at least its
// counter x `delay` after the previous one, with the median gap below 1.5 times that.
void check_stamps(Context& ctx, const MyThread& thread, Duration delay, bool stopped) {
    std::vector<double> times; // "Starting" then each stamp
    for (const TraceLine& l : ctx.result().trace)
        if (l.who == thread.name() && !l.text.starts_with("Exiting"))
            times.push_back(l.t);
    const auto count = static_cast<int>(times.size()) - 1;
    std::vector<double> gaps;
    for (std::size_t i = 1; i < times.size(); ++i)
        gaps.push_back(times[i] - times[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const double unit = to_seconds(thread.counter() * delay);
    const bool spaced =
        gaps.empty() || (gaps.front() >= unit - 1e-6 && gaps[gaps.size() / 2] < 1.5 * unit);
    ctx.field(fmt::format("thread{}_stamps", thread.thread_id()), count);
    const std::string detail =
        fmt::format("{} stamps, gaps {:.4f} s to {:.4f} s", count, gaps.empty() ? 0 : gaps.front(),
                    gaps.empty() ? 0 : gaps.back());
    if (stopped)
        ctx.check(fmt::format("--stop-after: {} stopped early with fewer than {} stamps",
                              thread.name(), stamps),
                  count < stamps, detail);
    else
        ctx.check(fmt::format("{} prints {} stamps", thread.name(), stamps), count == stamps,
                  detail);
    ctx.check(fmt::format("{} stamps come every {} x --delay (each gap >= it, median < 1.5 x)",
                          thread.name(), thread.counter()),
              spaced, detail);
}

void run(Context& ctx) {
    const Duration delay = ctx.duration("delay");
    const bool stop = ctx.given("stop-after");
    const Duration stop_after = ctx.duration("stop-after");
    if (delay <= Duration::zero())
        throw UsageError("--delay: must be longer than 0");
    if (stop && stop_after >= stamps * delay)
        throw UsageError("--stop-after: must be shorter than 5 x --delay, when Thread-1 ends");
    ctx.param("delay_s", to_seconds(delay));
    if (stop)
        ctx.param("stop_after_s", to_seconds(stop_after));

    const std::string& main = threads::this_thread_name();
    MyThread thread1(ctx, 1, "Thread-1", 1, delay);
    MyThread thread2(ctx, 2, "Thread-2", 2, delay);
    thread1.start();
    thread2.start();
    if (stop) {
        std::this_thread::sleep_for(stop_after);
        ctx.say(main, "asking both threads to stop");
        thread1.request_stop();
        thread2.request_stop();
    }
    thread1.join();
    thread2.join();
    ctx.say(main, "Exiting Main Thread");

    const auto& trace = ctx.result().trace;
    auto position = [&](std::string_view text) {
        return std::find_if(trace.begin(), trace.end(),
                            [&](const TraceLine& l) { return l.text == text; }) -
               trace.begin();
    };
    const auto exit1 = position("Exiting Thread-1"), exit2 = position("Exiting Thread-2");
    const auto exit_main = position("Exiting Main Thread");
    const auto lines = static_cast<std::ptrdiff_t>(trace.size());
    check_stamps(ctx, thread1, delay, stop);
    check_stamps(ctx, thread2, delay, stop);
    if (!stop)
        ctx.check("'Exiting Thread-1' precedes 'Exiting Thread-2'", exit1 < exit2,
                  fmt::format("lines {} and {}", exit1, exit2));
    ctx.check("'Exiting Main Thread' comes after both threads exited",
              exit1 < exit_main && exit2 < exit_main && exit_main < lines,
              fmt::format("lines {}, {} and {}", exit1, exit2, exit_main));
}

} // namespace

extern const Recipe threads_subclass{
    .group = "threads",
    .name = "subclass",
    .summary = "two Thread subclasses stamp the time at different rates; stop_token stops them",
    .book = "How to use a thread in a subclass [book ch.2]",
    .options = {duration_option("delay", "1s", "Thread-1's sleep before each stamp (Thread-2: 2x)"),
                duration_option("stop-after", "0",
                                "ask both threads to stop after this long (default: never)")},
    .run = run,
    .tour_args = {"--delay", "20ms"},
};

} // namespace parcook
