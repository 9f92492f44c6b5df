// async/event-loop: "Event loop management with Asyncio" [book ch.4].
// Shows: callbacks scheduled on one thread by an event loop, chained by time. function_1 is
// posted at once (call_soon); each function prints "function_k called" and, while the next call
// still fits before the end, schedules function_{k+1} one period later (call_later) on a timer,
// cycling 1, 2, 3; the last one stops the loop. The loop is a Boost.Asio io_context run by this
// thread alone: asio::post is call_soon, steady_timer::async_wait is call_later, stop() stops.
// Deviations: the book's text says 12 cycles (its code makes 9); its unused function_4 is left out.
#include "async/support/loop.hpp"

#include <boost/asio/post.hpp>
#include <cmath>
#include <fmt/format.h>

namespace parcook {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct Call {
    unsigned function;
    clock::time_point at;
    std::string thread;
};

void run(Context& ctx) {
    const Duration duration = ctx.duration("duration"), period = ctx.duration("period");
    const auto functions = static_cast<unsigned>(ctx.integer("functions"));
    if (period > duration)
        throw UsageError("--period: longer than --duration, so only one call would happen");

    asio::io_context loop;
    asio::steady_timer timer(loop);
    std::vector<Call> calls;
    const clock::time_point start = clock::now(), end = start + duration;
    // function_k: print, then call_later(period, function_{k+1}) if that still fits, else stop.
    std::function<void(unsigned)> function = [&](unsigned k) {
        ctx.say("loop", fmt::format("function_{} called", k));
        calls.push_back({k, clock::now(), async::thread_name()});
        if (clock::now() + period < end) {
            timer.expires_after(period);
            timer.async_wait([&, k](boost::system::error_code) { function(k % functions + 1); });
        } else {
            loop.stop();
        }
    };
    asio::post(loop, [&] { function(1); }); // call_soon
    loop.run();                             // run_forever: returns once stop() was called
    const double ran = std::chrono::duration<double>(clock::now() - start).count();

    const auto expected =
        static_cast<std::size_t>(std::ceil(to_seconds(duration) / to_seconds(period) - 1e-9));
    bool cycle = true, spaced = true, one_thread = true;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        cycle = cycle && calls[i].function == i % functions + 1;
        one_thread = one_thread && calls[i].thread == calls[0].thread;
        if (i > 0)
            spaced = spaced && calls[i].at - calls[i - 1].at >= period;
    }
    ctx.check(fmt::format("ceil(duration / period) = {} calls", expected), calls.size() == expected,
              fmt::format("{} calls", calls.size()));
    ctx.check(fmt::format("the calls cycle 1..{}", functions), cycle);
    ctx.check("consecutive calls are at least one period apart", spaced);
    ctx.check("every callback ran on the loop's one thread", one_thread);
    ctx.check("run() returned after about --duration",
              ran >= to_seconds(duration) - to_seconds(period) &&
                  ran < to_seconds(duration) + to_seconds(period),
              fmt::format("{:.3f} s", ran));
    ctx.field("calls", calls.size());
    ctx.metric("loop_seconds", ran, "s");
}

} // namespace

extern const Recipe async_event_loop{
    .group = "async",
    .name = "event-loop",
    .summary = "call_soon and call_later on an io_context: function_1, 2, 3 in turn, then stop",
    .book = "Event loop management with Asyncio [book ch.4]",
    .options = {duration_option("duration", "9s", "how long the loop keeps scheduling calls",
                                std::chrono::milliseconds(1)),
                duration_option("period", "1s", "delay between one call and the next",
                                std::chrono::milliseconds(1)),
                integer_option("functions", 3, "how many functions take turns", 1, 100)},
    .run = run,
    .tour_args = {"--duration", "300ms", "--period", "50ms"},
};

} // namespace parcook
