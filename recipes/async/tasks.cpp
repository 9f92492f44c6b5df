// async/tasks: "Task manipulation with Asyncio" [book ch.4].
// Shows: independent tasks progress concurrently on one loop: whenever one awaits, another runs.
// Three coroutines (factorial(10), fibonacci(10), binomialCoeff(20, 10)) print a line per step
// and wait --step between steps; started together and awaited all at once (asyncio.wait: an Asio
// parallel group, wait_for_all), their step lines interleave and the whole takes about the
// longest task's 10 steps, not the 29 steps of running them one after the other.
// --fail K: factorial raises at step K; the exception reaches the awaiting code and the record
// (asyncio's task.exception()), the other tasks finish. --cancel K: fibonacci is cancelled after
// K steps (task.cancel(): CancelledError at its next await); it is reported as cancelled.
// Deviations: integer arithmetic (the binomial's multiply-then-divide is exact), so the book's
// 184756.0 is 184756 and its misplaced '%' in the print is fixed.
#include "async/support/loop.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <fmt/format.h>

namespace parcook {
namespace {

namespace asio = boost::asio;
using async::task;

// A task's waits, cancellable from outside as asyncio's task.cancel(): the wait in progress ends
// at once and this and every later wait raise CancelledError (here: operation_aborted).
struct Waits {
    asio::steady_timer timer;
    bool cancelled = false;

    task<> sleep(Duration d) {
        if (cancelled)
            throw boost::system::system_error(asio::error::operation_aborted);
        timer.expires_after(d);
        co_await timer.async_wait(asio::use_awaitable);
    }
    void cancel() {
        cancelled = true;
        timer.cancel();
    }
};

struct Steps {
    Context& ctx;
    Duration step;
    std::uint64_t fail_at;          // 0: never
    std::vector<std::string> order; // which task printed each step line
    std::vector<std::string> threads;

    task<> step_line(Waits& waits, const std::string& task, std::string text) {
        ctx.say(task, text);
        order.push_back(task);
        threads.push_back(async::thread_name());
        co_await waits.sleep(step);
    }

    task<std::uint64_t> factorial(Waits& waits, std::uint64_t n) {
        std::uint64_t f = 1;
        for (std::uint64_t i = 2; i <= n; ++i) {
            if (i - 1 == fail_at)
                throw std::runtime_error(fmt::format("factorial failed at step {}", fail_at));
            co_await step_line(waits, "factorial",
                               fmt::format("Asyncio.Task: Compute factorial({})", i));
            f *= i;
        }
        ctx.say("factorial", fmt::format("Asyncio.Task - factorial({}) = {}", n, f));
        co_return f;
    }

    task<std::uint64_t> fibonacci(Waits& waits, std::uint64_t n) {
        std::uint64_t a = 0, b = 1;
        for (std::uint64_t i = 0; i < n; ++i) {
            co_await step_line(waits, "fibonacci",
                               fmt::format("Asyncio.Task: Compute fibonacci({})", i));
            b = std::exchange(a, b) + b;
        }
        ctx.say("fibonacci", fmt::format("Asyncio.Task - fibonacci({}) = {}", n, a));
        co_return a;
    }

    task<std::uint64_t> binomial(Waits& waits, std::uint64_t n, std::uint64_t k) {
        std::uint64_t result = 1;
        for (std::uint64_t i = 1; i <= k; ++i) {
            result = result * (n - i + 1) / i;
            co_await step_line(waits, "binomial",
                               fmt::format("Asyncio.Task: Compute binomialCoeff({})", i));
        }
        ctx.say("binomial",
                fmt::format("Asyncio.Task - binomialCoeff({} , {}) = {}", n, k, result));
        co_return result;
    }
};

// What asyncio reports for a finished task: its result, its exception, or that it was cancelled.
std::string outcome(const std::exception_ptr& error, std::uint64_t value) {
    if (!error)
        return std::to_string(value);
    try {
        std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
        if (e.code() == asio::error::operation_aborted)
            return "cancelled";
        return fmt::format("exception: {}", e.what());
    } catch (const std::exception& e) {
        return fmt::format("exception: {}", e.what());
    }
}

void run(Context& ctx) {
    Steps s{ctx, ctx.duration("step"), ctx.count("fail"), {}, {}};
    const std::uint64_t cancel_after = ctx.count("cancel");
    std::string f, g, b;
    Stopwatch clock;
    async::run_loop([&]() -> task<> {
        auto ex = co_await asio::this_coro::executor;
        Waits wf{asio::steady_timer(ex)}, wg{asio::steady_timer(ex)}, wb{asio::steady_timer(ex)};
        if (cancel_after > 0) // another coroutine calls fibonacci_task.cancel() mid-way
            asio::co_spawn(
                ex,
                [&]() -> task<> {
                    co_await async::sleep(s.step * cancel_after - s.step / 2);
                    ctx.say("main", "fibonacci task cancelled");
                    wg.cancel();
                },
                asio::detached);
        // asyncio.wait(tasks): start all three, resume when all are done, keep each outcome.
        auto [order, ef, vf, eg, vg, eb, vb] =
            co_await asio::experimental::make_parallel_group(
                asio::co_spawn(ex, s.factorial(wf, 10), asio::deferred),
                asio::co_spawn(ex, s.fibonacci(wg, 10), asio::deferred),
                asio::co_spawn(ex, s.binomial(wb, 20, 10), asio::deferred))
                .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        f = outcome(ef, vf);
        g = outcome(eg, vg);
        b = outcome(eb, vb);
    });
    const double seconds = clock.seconds();
    ctx.say("main", fmt::format("factorial: {}, fibonacci: {}, binomialCoeff: {}", f, g, b));

    const bool failing = s.fail_at > 0, cancelling = cancel_after > 0;
    ctx.check(failing ? fmt::format("factorial's exception at step {} reached the awaiting code",
                                    s.fail_at)
                      : "factorial(10) = 3628800",
              failing ? f == fmt::format("exception: factorial failed at step {}", s.fail_at)
                      : f == "3628800",
              f);
    ctx.check(cancelling ? "fibonacci is reported as cancelled" : "fibonacci(10) = 55",
              cancelling ? g == "cancelled" : g == "55", g);
    ctx.check("binomialCoeff(20, 10) = 184756", b == "184756", b);
    std::vector<std::string> first(s.order.begin(),
                                   s.order.begin() + std::min<std::size_t>(3, s.order.size()));
    std::sort(first.begin(), first.end());
    ctx.check("all three tasks appear among the first three step lines",
              first == std::vector<std::string>{"binomial", "factorial", "fibonacci"},
              fmt::format("{}", fmt::join(first, ", ")));
    const double steps = to_seconds(s.step) * 10;
    ctx.check("they ran concurrently: total < 1.5 x the longest task's 10 steps (not 29)",
              seconds < 1.5 * steps,
              fmt::format("{:.3f} s for 10 steps of {:.3f} s", seconds, to_seconds(s.step)));
    ctx.check("a single thread ran every step",
              std::all_of(s.threads.begin(), s.threads.end(),
                          [&](const std::string& t) { return t == s.threads.front(); }));
    ctx.field("factorial", f.c_str());
    ctx.field("fibonacci", g.c_str());
    ctx.field("binomial", b.c_str());
    ctx.metric("seconds", seconds, "s");
}

} // namespace

extern const Recipe async_tasks{
    .group = "async",
    .name = "tasks",
    .summary = "three coroutines awaited together; their steps interleave on one loop thread",
    .book = "Task manipulation with Asyncio [book ch.4]",
    .options = {duration_option("step", "1s", "the wait after every step (the book's sleep)",
                                std::chrono::milliseconds(1)),
                count_option("fail", "0", "factorial raises at this step (0: never)", 9),
                count_option("cancel", "0", "fibonacci is cancelled after this many steps", 9)},
    .run = run,
    .tour_args = {"--step", "20ms"},
};

} // namespace parcook
