// processes/pool: "How to use a process pool" [book ch.3].
// Shows: Pool(processes=4).map(function_square, range(100)), a data-parallel map over worker
// processes whose results come back in input order; also apply (blocks) and apply_async (a
// future). The pool (processes/pool.hpp) starts its workers once by self-exec, cuts the input
// into chunks as Python does (about 4 per worker) and feeds them through pipes. Each result
// carries the pid of the worker that computed it, so the record shows who did the work.
// Beyond the book: a worker that crashes or is killed is reported with its exit code (-signal)
// and its chunk runs again (--retries); --timeout bounds a worker that hangs; --sleep makes
// every item slow enough to watch, or to interrupt.
#include "processes/pool.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

struct Number {
    std::int64_t value;
    std::int64_t pause_ns; // simulated work per item
};
struct Square {
    std::int64_t value;
    pid_t pid; // who computed it
};

// The book's function_square, run in a worker process.
Square function_square(Number x) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(x.pause_ns));
    return {x.value * x.value, ::getpid()};
}

const pool::Task tasks[] = {pool::task<function_square>()};

// Python prints the whole list; past 100 items the middle is left out.
std::string show(const std::vector<Square>& squares) {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < squares.size(); ++i) {
        if (squares.size() > 100 && i == 10) {
            items.emplace_back("...");
            i = squares.size() - 1;
        }
        items.push_back(std::to_string(squares[i].value));
    }
    return fmt::format("[{}]", fmt::join(items, ", "));
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n;
    const auto pause = ctx.duration("sleep").count();
    // the inputs and results, and each chunk's encoded copy on its way to and from a worker
    ctx.require_memory(2.0 * static_cast<double>(n) * (sizeof(Number) + sizeof(Square)), "n");
    std::vector<Number> numbers;
    numbers.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i)
        numbers.push_back({static_cast<std::int64_t>(i), pause});

    ProcessPool pool(ctx, tasks);
    const std::size_t chunk = ctx.count("chunk") ? ctx.count("chunk") : pool.default_chunk(n);
    const std::size_t chunks = (n + chunk - 1) / chunk;
    ctx.param("workers", pool.size());
    ctx.param("chunk", chunk);
    ctx.param("chunks", chunks);
    ctx.say("main", fmt::format("pool of {} workers ready in {}", pool.size(),
                                format_seconds(pool.start_seconds())));

    std::vector<Square> squares;
    Stopwatch sw;
    try {
        squares = pool.map(function_square, numbers, chunk);
    } catch (const pool::TaskLost& lost) {
        ctx.check("no item lost (a lost chunk runs again on a new worker)", false, lost.what());
        return;
    }
    ctx.metric("seconds", sw.seconds(), "s");
    ctx.say("main", "Pool : " + show(squares));

    bool in_order = squares.size() == n;
    for (std::uint64_t i = 0; in_order && i < n; ++i)
        in_order = squares[i].value == static_cast<std::int64_t>(i * i);
    ctx.check("result == [i*i for i in 0..n-1], in input order", in_order,
              fmt::format("{} results", squares.size()));
    const std::vector<pool::Fault> faults = pool.faults();
    const auto rerun =
        std::count_if(faults.begin(), faults.end(), [](const pool::Fault& f) { return f.rerun; });
    const bool none_lost = std::all_of(faults.begin(), faults.end(), [](const pool::Fault& f) {
        return f.items.empty() || f.rerun;
    });
    ctx.check("no item lost (a lost chunk runs again on a new worker)",
              none_lost && pool.restarts() >= static_cast<unsigned>(rerun),
              fmt::format("{} fault(s), {} chunk(s) run again, {} worker(s) replaced",
                          faults.size(), rerun, pool.restarts()));

    std::set<pid_t> pids;
    for (const Square& s : squares)
        pids.insert(s.pid);
    const std::size_t most = pool.size() + pool.restarts();
    ctx.check("at most `workers` distinct worker pids did the work (plus replacements)",
              pids.size() <= most && !pids.contains(::getpid()),
              fmt::format("{} pids, at most {}", pids.size(), most));
    ctx.check("at least 2 workers took part when workers >= 2 and chunks >= 2",
              pool.size() < 2 || chunks < 2 || pids.size() >= 2,
              fmt::format("{} pids", pids.size()));
    ctx.field("worker_pids", boost::json::array(pids.begin(), pids.end()));

    const Square blocking = pool.apply(function_square, {7, 0});
    std::future<Square> later = pool.apply_async(function_square, {12, 0});
    const Square async = later.get();
    ctx.say("main",
            fmt::format("apply(7) = {}, apply_async(12).get() = {}", blocking.value, async.value));
    ctx.check("apply and apply_async return function_square's value",
              blocking.value == 49 && async.value == 144);
}

} // namespace

extern const Recipe processes_pool{
    .group = "processes",
    .name = "pool",
    .summary = "map a function over 0..n-1 with a pool of worker processes, results in order",
    .book = "How to use a process pool [book ch.3]",
    .options = pool::options(
        {count_option("chunk", "0", "items per chunk (0: Python's choice, ~4 per worker)"),
         duration_option("sleep", "0", "time each item takes (simulated work)")}),
    .run = run,
    .uses = Uses::n | Uses::workers,
    .defaults = {{"n", "100"}, {"workers", "4"}},
    .tour_args = {"--workers", "2"},
    .roles = {pool::worker_role<tasks>()},
};

} // namespace parcook
