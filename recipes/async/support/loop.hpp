// The plumbing every async recipe shares, so a recipe file shows its coroutines and little else.
//
//   asio::awaitable<int> main_task(Context& ctx) { ... co_await ... co_return 42; }
//   int answer = async::run_loop([&] { return main_task(ctx); });           // one loop thread
//   async::measure(ctx, [&] { return main_task(ctx); }, ctx.common().threads); // repeats
//
// run_loop is asyncio.run(): a fresh io_context, the coroutine spawned on it, the loop run by
// `threads` threads until the coroutine is done; its value is returned and an exception that
// escapes it is rethrown to the caller (never lost inside the loop).
#pragma once
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <vector>

namespace parcook::async {

namespace asio = boost::asio;
template <class T = void>
using task = asio::awaitable<T>;

template <class F>
using task_value = typename std::invoke_result_t<F&>::value_type;

// Runs body(member) on `threads` threads, the caller among them, each pinned to its own CPU as
// the threads/ members are. The team is kept for the process and reused by every loop of that
// size, so a timed repetition measures the work and not thread creation; the caller is pinned
// only while body runs. One loop at a time uses it.
void with_loop_team(unsigned threads, const std::function<void(unsigned)>& body);

// asyncio.run(main()): see the top of this file.
template <class F>
task_value<F> run_loop(F&& make, unsigned threads = 1) {
    using T = task_value<F>;
    asio::io_context loop(static_cast<int>(threads));
    std::exception_ptr error;
    std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
    if constexpr (std::is_void_v<T>)
        asio::co_spawn(loop, make(), [&](std::exception_ptr e) { error = e; });
    else
        asio::co_spawn(loop, make(), [&](std::exception_ptr e, T v) {
            error = e;
            if (!e)
                value.emplace(std::move(v));
        });
    if (threads > 1)
        with_loop_team(threads, [&loop](unsigned) { loop.run(); });
    else
        loop.run();
    if (error)
        std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>)
        return std::move(*value);
}

// Context::measure over fresh loops: --warmup untimed runs, then --repeat timed ones.
template <class F>
const Stats& measure(Context& ctx, F&& make, unsigned threads = 1) {
    return ctx.measure([&] { run_loop(make, threads); });
}

// asyncio.gather(*(make(i) for i in range(count))): one coroutine per i, all started at once on
// the current loop (run by however many threads run it), resumed when all are done; the values in
// order of i. The first exception among them is rethrown.
template <class F>
auto gather(std::size_t count, F make)
    -> task<std::vector<typename decltype(make(0))::value_type>> {
    // Each one is scheduled on the loop, as asyncio.create_task does, never run inline by the
    // spawning thread: so every thread running the loop can take one.
    const auto scheduled =
        asio::require(co_await asio::this_coro::executor, asio::execution::blocking.never);
    std::vector<decltype(asio::co_spawn(scheduled, make(0), asio::deferred))> coroutines;
    coroutines.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        coroutines.push_back(asio::co_spawn(scheduled, make(i), asio::deferred));
    auto [order, errors, values] =
        co_await asio::experimental::make_parallel_group(std::move(coroutines))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const std::exception_ptr& e : errors)
        if (e)
            std::rethrow_exception(e);
    co_return std::move(values);
}

// Elements 0..n-1 cut into `tasks` contiguous blocks, one coroutine each, gathered on a fresh
// loop run by `threads` threads: body(begin, end) of every block, the values in block order.
template <class F>
auto map_blocks(std::uint64_t n, std::uint64_t tasks, unsigned threads, F body) {
    using R = std::invoke_result_t<F&, std::uint64_t, std::uint64_t>;
    return run_loop(
        [&] {
            return gather(tasks, [&](std::size_t t) -> task<R> {
                const auto [begin, end] =
                    block(n, static_cast<unsigned>(tasks), static_cast<unsigned>(t));
                co_return body(begin, end);
            });
        },
        threads);
}

// asyncio.sleep: a timer wait that lets the loop run everything else meanwhile.
inline task<> sleep(Duration d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::use_awaitable);
}

// A short stable name for the calling thread, to show which thread ran a callback.
std::string thread_name();

// The async member of a shared workload: one loop thread by default (-t runs the loop on more),
// the work cut into --tasks coroutines (`extra`: Uses::none when it is cut otherwise).
Recipe shared_member(workload::Shared workload, std::string summary, void (*run)(Context&),
                     Uses extra = Uses::tasks);

} // namespace parcook::async
