// processes/pool.hpp: a pool of worker processes, the C++ form of Python's multiprocessing.Pool.
// Used by processes/pool, fib-map, pi, word-count and vector-sum.
//
// The workers are started once: each is this binary re-executed in the recipe's worker role
// (Python's spawn start method). Work travels through pipes: a chunk of items goes down a
// worker's stdin and the results come back on its descriptor 3. A task is a plain function
// R f(A) listed in a table that the parent and the workers share (they are the same program), so
// only the function's index and the encoded arguments cross the pipe, as Python pickles a
// function by its name.
//
//     Square square(Number x);                     // any R f(A) whose A and R can be encoded
//     const pool::Task tasks[] = {pool::task<square>()};
//     void run(Context& ctx) {
//         ProcessPool pool(ctx, tasks);            // --workers processes, started and ready
//         std::vector<Square> all = pool.map(square, numbers);  // results in input order
//         Square one = pool.apply(square, x);      // blocks until done
//         std::future<Square> later = pool.apply_async(square, x);
//         std::vector<Ready> each = pool.broadcast(prepare, plan);  // once on every worker
//     }
//     extern const Recipe my_recipe{..., .options = pool::options(), .run = run,
//                                   .uses = Uses::workers, .roles = {pool::worker_role<tasks>()}};
//
// Faults, nothing lost: a worker that dies (crash, kill) or overruns --timeout (it is then
// killed) is reported with Python's exit code (-signal when killed by one) as a trace line and in
// the record's `faults` field; a new worker takes its place and the chunk it held runs again, up
// to --retries times. A chunk still lost after that makes map/apply/get throw TaskLost, which
// names its items; a task that throws in a worker makes them throw TaskError.
#pragma once
#include "parcook/context.hpp"
#include "parcook/encode.hpp"
#include "processes/support/faults.hpp"

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <type_traits>
#include <vector>

namespace parcook {
namespace pool {

// ---- the functions workers can run ----------------------------------------------------------
struct Task {
    void (*function)(); // the function itself: its address is how map(f, ...) finds the entry
    void (*run)(std::string_view& arguments, std::string& results); // one item: take, call, put
};

template <class F>
struct Signature;
template <class R, class A>
struct Signature<R (*)(A)> {
    using Result = R;
    using Argument = std::remove_cvref_t<A>;
};

template <auto F>
Task task() {
    using S = Signature<decltype(F)>;
    return {reinterpret_cast<void (*)()>(F), [](std::string_view& in, std::string& out) {
                put(out, F(take<typename S::Argument>(in)));
            }};
}

// A recipe's own options followed by the pool's: --timeout, --retries, and the hidden fault
// injection (--crash-on K: the worker that first gets item K aborts; --hang-on K: it hangs).
std::vector<OptionSpec> options(std::vector<OptionSpec> recipe_options = {});

// The worker role: what a worker process learns from the pool that starts it.
struct WorkerArgs {
    std::uint32_t index; // its place in the pool, 0 .. workers-1 (a replacement keeps it)
};
inline constexpr std::string_view worker_role_name = "pool-worker";
// Serves `tasks` until the pool closes the worker's input.
void serve(Context& ctx, std::span<const Task> tasks, const WorkerArgs& args);
// The role to list in Recipe::roles for a pool over `Tasks` (the recipe's task table).
template <const auto& Tasks>
Role worker_role() {
    return Role(
        std::string(worker_role_name),
        +[](Context& ctx, const WorkerArgs& args) { serve(ctx, Tasks, args); });
}
// The same for a descriptor built by a function (workload::shared_recipe).
template <const auto& Tasks>
Recipe with_worker_role(Recipe recipe) {
    recipe.roles.push_back(worker_role<Tasks>());
    return recipe;
}
// In a worker process: its place in the pool.
unsigned worker_index();

// Items a worker took down with it, after every allowed re-run.
struct TaskLost : std::runtime_error {
    TaskLost(const std::string& what, std::vector<std::uint64_t> items, int exit_code)
        : std::runtime_error(what), items(std::move(items)), exit_code(exit_code) {}
    std::vector<std::uint64_t> items;
    int exit_code;
};

// A task that threw in the worker: its message, prefixed with the item.
struct TaskError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What came back for one chunk: its encoded results, or why there are none. Failures travel
// between threads as values; the exception is made in the thread that asks for the result.
struct Reply {
    enum class Status { done, failed, lost } status = Status::done;
    std::string bytes;                // done: the encoded results; otherwise the message
    std::vector<std::uint64_t> items; // lost: the items
    int exit_code = 0;                // lost: the exit code of the worker that had them
};
[[noreturn]] void raise(Reply reply); // throws TaskError (failed) or TaskLost (lost)

} // namespace pool

class ProcessPool {
public:
    // Starts `workers` worker processes (0: --workers) and waits until every one is ready.
    ProcessPool(Context& ctx, std::span<const pool::Task> tasks, unsigned workers = 0);
    // Python's close() and join(): queued work is finished, then each worker reads the end of
    // its input and exits. Every fault is then in the record's `faults` field.
    ~ProcessPool();
    ProcessPool(const ProcessPool&) = delete;
    ProcessPool& operator=(const ProcessPool&) = delete;

    unsigned size() const;
    double start_seconds() const;           // starting every worker until it was ready
    std::vector<pid_t> worker_pids() const; // the workers alive now
    std::vector<pool::Fault> faults() const;
    unsigned restarts() const; // workers that replaced a dead one
    // Python's chunk size for a map over `items`: about 4 chunks per worker.
    std::size_t default_chunk(std::size_t items) const;

    // f over every item, in chunks of `chunk` items (0: Python's choice, about 4 chunks per
    // worker). The first chunks go one to each worker, the rest to whichever is free first.
    template <class R, class A>
    std::vector<R> map(R (*f)(A), const std::vector<std::remove_cvref_t<A>>& items,
                       std::size_t chunk = 0) {
        const std::size_t task = find(reinterpret_cast<void (*)()>(f));
        if (chunk == 0)
            chunk = default_chunk(items.size());
        std::vector<std::future<pool::Reply>> replies;
        for (std::size_t first = 0, c = 0; first < items.size(); first += chunk, ++c) {
            const std::size_t count = std::min(chunk, items.size() - first);
            std::string arguments;
            for (std::size_t i = first; i < first + count; ++i)
                put(arguments, items[i]);
            const int worker = c < size() ? static_cast<int>(c) : any_worker;
            replies.push_back(submit(task, first, count, std::move(arguments), worker, false));
        }
        return collect<R>(replies);
    }

    template <class R, class A>
    std::future<R> apply_async(R (*f)(A), std::remove_cvref_t<A> argument) {
        std::string arguments;
        put(arguments, argument);
        auto reply = submit(find(reinterpret_cast<void (*)()>(f)), 0, 1, std::move(arguments),
                            any_worker, false);
        return std::async(std::launch::deferred, [reply = std::move(reply)]() mutable {
            pool::Reply r = reply.get();
            if (r.status != pool::Reply::Status::done)
                pool::raise(std::move(r));
            std::string_view in = r.bytes;
            return take<R>(in);
        });
    }

    template <class R, class A>
    R apply(R (*f)(A), std::remove_cvref_t<A> argument) {
        return apply_async(f, std::move(argument)).get();
    }

    // f(argument) once on every worker, results in worker order: for work that belongs to a
    // worker (its block of an array). Such an item is not re-run if its worker dies: a new
    // worker would not have the state the dead one built up.
    template <class R, class A>
    std::vector<R> broadcast(R (*f)(A), const std::remove_cvref_t<A>& argument) {
        const std::size_t task = find(reinterpret_cast<void (*)()>(f));
        std::string arguments;
        put(arguments, argument);
        std::vector<std::future<pool::Reply>> replies;
        for (unsigned w = 0; w < size(); ++w)
            replies.push_back(submit(task, w, 1, arguments, static_cast<int>(w), true));
        return collect<R>(replies);
    }

private:
    static constexpr int any_worker = -1;
    std::size_t find(void (*function)()) const;
    std::future<pool::Reply> submit(std::size_t task, std::uint64_t first_item, std::size_t count,
                                    std::string arguments, int worker, bool bound);

    // Waits for every reply (nothing is left running), then returns the results in order or
    // throws for the first chunk that failed.
    template <class R>
    static std::vector<R> collect(std::vector<std::future<pool::Reply>>& replies) {
        std::vector<R> results;
        std::optional<pool::Reply> failure;
        for (auto& reply : replies) {
            pool::Reply r = reply.get();
            if (r.status != pool::Reply::Status::done) {
                if (!failure)
                    failure = std::move(r);
                continue;
            }
            std::string_view in = r.bytes;
            while (!in.empty())
                results.push_back(take<R>(in));
        }
        if (failure)
            pool::raise(std::move(*failure));
        return results;
    }

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace parcook
