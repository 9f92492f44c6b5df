// async/coroutines-fsm: "Handling coroutines with Asyncio" (a finite state machine) [book ch.4].
// Shows: coroutines that call one another and pass values back, with no supervising caller.
// Each state is a coroutine: it draws a transition value (0 or 1, from --seed), waits, then
// co_awaits the next state from the table below and returns its own line followed by the next
// state's text, so the start state finally holds the whole path. End stops the computation.
//   S0: 0 -> S2, 1 -> S1    S1: 0 -> S3, 1 -> S2    S2: 0 -> S1, 1 -> S3    S3: 0 -> S1, 1 -> End
// The book waits with time.sleep(1) inside the coroutine: a blocking call holds the loop's one
// thread, so nothing else on the loop runs meanwhile. Here the wait is a timer (co_await) and a
// heartbeat coroutine keeps ticking beside the machine; --blocking-sleep puts the book's blocking
// sleep back and the heartbeat stops (shown and checked). Deviation: "...Evaluating..." is
// printed at every evaluating hop, as in the article (the chapter's sample shows one).
#include "async/support/loop.hpp"
#include "parcook/generator.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <fmt/format.h>

namespace parcook {
namespace {

using namespace boost::asio::experimental::awaitable_operators;
using async::task;

constexpr int start = 0, end = 4;
constexpr int next_state[4][2] = {{2, 1}, {3, 2}, {1, 3}, {1, end}};

std::string name(int s) {
    return s == start ? "Start State" : s == end ? "End State" : fmt::format("State {}", s);
}

struct Hop {
    int from, value, to;
};

struct Machine {
    Context& ctx;
    std::uint64_t seed;
    Duration delay;
    bool blocking;
    std::size_t max_hops;
    std::vector<Hop> path;
    bool done = false;

    task<> wait() {
        if (blocking)
            std::this_thread::sleep_for(delay); // the book's time.sleep: the loop stalls
        else
            co_await async::sleep(delay);
    }

    // State s entered with transition value `value_in`; returns the text of the rest of the path.
    task<std::string> state(int s, int value_in) {
        if (s == end) {
            ctx.say("End", "...Stop Computation...");
            co_return fmt::format("{} with transition value = {}", name(s), value_in);
        }
        if (s == start)
            ctx.say("Start", "Start State called");
        else
            ctx.say(name(s), "...Evaluating...");
        if (path.size() >= max_hops)
            throw std::runtime_error(fmt::format("no End State within {} hops", max_hops));
        const int value = static_cast<int>(draw_below(seed, path.size(), 2));
        const int to = next_state[s][value];
        path.push_back({s, value, to});
        co_await wait();
        const std::string rest = co_await state(to, value);
        if (s == start)
            co_return fmt::format("{} calling {}", name(s), rest);
        co_return fmt::format("{} with transition value = {}\n{} calling {}", name(s), value_in,
                              name(s), rest);
    }

    task<std::string> run() {
        std::string text = co_await state(start, 0);
        done = true;
        co_return text;
    }

    // Ticks four times per delay for as long as the machine runs.
    task<std::size_t> heartbeat() {
        std::size_t ticks = 0;
        while (!done) {
            co_await async::sleep(delay / 4);
            ticks += !done;
        }
        co_return ticks;
    }
};

void run(Context& ctx) {
    Machine m{ctx,
              ctx.common().seed,
              ctx.duration("delay"),
              ctx.flag("blocking-sleep"),
              static_cast<std::size_t>(ctx.integer("max-hops")),
              {}};
    const auto [text, ticks] = async::run_loop([&]() -> task<std::tuple<std::string, std::size_t>> {
        co_return co_await (m.run() && m.heartbeat());
    });
    ctx.say("Start", "Resume of the Transition :");
    for (std::size_t b = 0, e; b < text.size(); b = e + 1) {
        e = std::min(text.find('\n', b), text.size());
        ctx.say("Start", std::string_view(text).substr(b, e - b));
    }

    bool follows_table = true;
    std::string path = name(start);
    for (std::size_t i = 0; i < m.path.size(); ++i) {
        const Hop& h = m.path[i];
        follows_table = follows_table && h.to == next_state[h.from][h.value] &&
                        (i == 0 ? h.from == start : h.from == m.path[i - 1].to);
        path += fmt::format(" -{}-> {}", h.value, name(h.to));
    }
    std::size_t evaluating = 0;
    for (const TraceLine& line : ctx.result().trace)
        evaluating += line.text == "...Evaluating...";
    const Hop& last = m.path.back();
    ctx.check("every hop follows the transition table", follows_table, path);
    ctx.check("the path ends at End via State 3 with value 1",
              last.from == 3 && last.value == 1 && last.to == end);
    ctx.check("one \"...Evaluating...\" line per hop but the first",
              evaluating == m.path.size() - 1,
              fmt::format("{} lines, {} hops", evaluating, m.path.size()));
    if (m.blocking)
        ctx.check("the blocking sleep stalled the loop: the heartbeat never ticked meanwhile",
                  ticks == 0, fmt::format("{} ticks in {} hops", ticks, m.path.size()));
    else
        ctx.check("the loop kept running meanwhile: the heartbeat ticked at every hop",
                  ticks >= m.path.size(), fmt::format("{} ticks in {} hops", ticks, m.path.size()));
    ctx.param("seed", ctx.common().seed);
    ctx.field("path", path.c_str());
    ctx.field("hops", m.path.size());
    ctx.field("heartbeat_ticks", ticks);
}

} // namespace

extern const Recipe async_coroutines_fsm{
    .group = "async",
    .name = "coroutines-fsm",
    .summary = "a finite state machine of coroutines that co_await one another (seeded path)",
    .book = "Handling coroutines with Asyncio [book ch.4]",
    .options = {duration_option("delay", "1s", "the wait in every state (the book's sleep)",
                                std::chrono::milliseconds(1)),
                integer_option("max-hops", 1000, "give up if End is not reached by then", 1,
                               100000),
                flag_option("blocking-sleep",
                            "wait with a blocking sleep, as the book does: the loop stalls")},
    .run = run,
    .uses = Uses::seed,
    .tour_args = {"--delay", "10ms"},
};

} // namespace parcook
