// processes/pool.hpp: a pool of worker processes, the C++ form of Python's multiprocessing.Pool.
// Used by processes/pool, fib-map, pi, word-count and vector-sum.
//
// The workers are started once: each is this binary re-executed in a hidden worker role
// (Python's spawn start method). Work travels through pipes: a chunk of items goes down a
// worker's stdin and the results come back on its descriptor 3. A task is a plain function
// R f(A) listed in a table that the parent and the workers share (they are the same program), so
// only the function's index and the encoded arguments cross the pipe, as Python pickles a
// function by its name.
//
//     Square square(Number x);                     // any R f(A) whose A and R can be encoded
//     const pool::Task tasks[] = {pool::task<square>()};
//     void run(Context& ctx) {
//         pool::serve_if_worker(ctx, tasks);       // in a worker process: serve, then exit
//         ProcessPool pool(ctx, tasks);            // --workers processes, started and ready
//         std::vector<Square> all = pool.map(square, numbers);  // results in input order
//         Square one = pool.apply(square, x);      // blocks until done
//         std::future<Square> later = pool.apply_async(square, x);
//         std::vector<Ready> each = pool.broadcast(prepare, plan);  // once on every worker
//     }
//
// Faults, nothing lost: a worker that dies (crash, kill) or overruns --timeout (it is then
// killed) is reported with Python's exit code (-signal when killed by one) as a trace line and in
// the record's `faults` field; a new worker takes its place and the chunk it held runs again, up
// to --retries times. A chunk still lost after that makes map/apply/get throw TaskLost, which
// names its items; a task that throws in a worker makes them throw TaskError.
#pragma once
#include "parcook/context.hpp"

#include <cstdint>
#include <cstring>
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

// ---- what crosses a pipe --------------------------------------------------------------------
// Trivially copyable values travel byte for byte (both ends are the same binary; a pointer would
// mean nothing on the other side). Strings, vectors and maps travel as a count, then elements.
template <class T>
concept Bytes = std::is_trivially_copyable_v<T>;
template <class T>
concept Map = requires {
    typename T::key_type;
    typename T::mapped_type;
};
template <class T>
concept Sequence = requires(T& t, typename T::value_type v) {
    t.push_back(v);
};
template <class T>
concept Block = std::ranges::contiguous_range<T> && Bytes<typename T::value_type>;

template <class T>
void put(std::string& out, const T& value) {
    if constexpr (Bytes<T>) {
        out.append(reinterpret_cast<const char*>(&value), sizeof value);
    } else if constexpr (Block<T> && Sequence<T>) { // std::string, std::vector<int>: one copy
        put(out, static_cast<std::uint64_t>(value.size()));
        out.append(reinterpret_cast<const char*>(value.data()),
                   value.size() * sizeof(typename T::value_type));
    } else if constexpr (Map<T> || Sequence<T>) {
        put(out, static_cast<std::uint64_t>(value.size()));
        for (const auto& element : value) {
            if constexpr (Map<T>) {
                put(out, element.first);
                put(out, element.second);
            } else {
                put(out, element);
            }
        }
    } else {
        static_assert(sizeof(T) == 0, "this type cannot cross a pipe: make it trivially copyable");
    }
}

inline void need(std::string_view in, std::uint64_t bytes) {
    if (in.size() < bytes)
        throw std::runtime_error("pool: truncated message");
}

template <class T>
T take(std::string_view& in) {
    if constexpr (Bytes<T>) {
        T value;
        need(in, sizeof value);
        std::memcpy(&value, in.data(), sizeof value);
        in.remove_prefix(sizeof value);
        return value;
    } else {
        const auto count = take<std::uint64_t>(in);
        T value;
        if constexpr (Block<T> && Sequence<T>) {
            const std::uint64_t bytes = count * sizeof(typename T::value_type);
            need(in, bytes);
            value.resize(count);
            std::memcpy(value.data(), in.data(), bytes);
            in.remove_prefix(bytes);
        } else {
            need(in, count); // every element takes at least one byte
            for (std::uint64_t i = 0; i < count; ++i) {
                if constexpr (Map<T>) {
                    auto key = take<typename T::key_type>(in);
                    value.emplace(std::move(key), take<typename T::mapped_type>(in));
                } else {
                    value.push_back(take<typename T::value_type>(in));
                }
            }
        }
        return value;
    }
}

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

// A recipe's own options followed by the pool's: --timeout, --retries, and the hidden worker
// role and fault injection (--crash-on K: the worker that first gets item K aborts; --hang-on K:
// it hangs instead).
std::vector<OptionSpec> options(std::vector<OptionSpec> recipe_options = {});

// In a worker process (--role pool-worker) this serves tasks until the pool closes, then ends
// the process (ExitNow); elsewhere it returns at once. Call it first thing in run().
void serve_if_worker(Context& ctx, std::span<const Task> tasks);
// In a worker process: its place in the pool, 0 .. workers-1 (a replacement keeps the place).
unsigned worker_index();

// A worker that died or was killed: what it held and what the pool did about it.
struct Fault {
    unsigned worker;
    pid_t pid;
    int exit_code;                    // Python's Process.exitcode: -signal if killed by one
    std::string reason;               // "died", "timed out", or "exited badly" (at close)
    std::vector<std::uint64_t> items; // the items it held (none if it died idle)
    bool rerun;                       // the items ran again on a new worker
};

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
                pool::put(arguments, items[i]);
            const int worker = c < size() ? static_cast<int>(c) : any_worker;
            replies.push_back(submit(task, first, count, std::move(arguments), worker, false));
        }
        return collect<R>(replies);
    }

    template <class R, class A>
    std::future<R> apply_async(R (*f)(A), std::remove_cvref_t<A> argument) {
        std::string arguments;
        pool::put(arguments, argument);
        auto reply = submit(find(reinterpret_cast<void (*)()>(f)), 0, 1, std::move(arguments),
                            any_worker, false);
        return std::async(std::launch::deferred, [reply = std::move(reply)]() mutable {
            pool::Reply r = reply.get();
            if (r.status != pool::Reply::Status::done)
                pool::raise(std::move(r));
            std::string_view in = r.bytes;
            return pool::take<R>(in);
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
        pool::put(arguments, argument);
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
                results.push_back(pool::take<R>(in));
        }
        if (failure)
            pool::raise(std::move(*failure));
        return results;
    }

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace parcook
