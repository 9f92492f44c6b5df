// The machinery behind processes/pool.hpp: the worker loop, one feeder thread per worker that
// hands it work, and what happens when a worker dies or hangs (reported by faults.hpp). Work
// and results travel as frames (parcook/frames.hpp) on two pipes per worker.
#include "processes/pool.hpp"

#include "parcook/children.hpp"
#include "parcook/frames.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace pool {
namespace {

constexpr int results_fd = 3; // a worker's results go here; its tasks arrive on stdin
constexpr Duration start_limit = std::chrono::seconds(30); // to start and say "ready"
constexpr Duration stop_limit = std::chrono::seconds(10);  // to exit once its input has ended
constexpr std::uint64_t largest_frame = std::uint64_t{1} << 34;

unsigned this_worker = 0;

// A request starts with this header, then `count` encoded items; a reply starts with a
// ReplyHeader, then the encoded results (or the error message).
struct Request {
    std::uint32_t task, count;
    std::uint64_t first_item;
    std::int64_t crash_at, hang_at; // index in this chunk, or -1
};
struct ReplyHeader {
    std::uint32_t failed;
};

// ---- the worker's side ----------------------------------------------------------------------
std::string serve_one(std::span<const Task> tasks, std::string_view in) {
    const auto request = take<Request>(in);
    std::string reply;
    put(reply, ReplyHeader{0});
    std::uint32_t j = 0;
    try {
        for (; j < request.count; ++j) {
            if (j == request.crash_at)
                crash();
            if (j == request.hang_at)
                hang();
            tasks[request.task].run(in, reply);
        }
    } catch (const std::exception& e) {
        reply.clear();
        put(reply, ReplyHeader{1});
        reply += fmt::format("item {}: {}", request.first_item + j, e.what());
    }
    return reply;
}

} // namespace

std::vector<OptionSpec> options(std::vector<OptionSpec> recipe_options) {
    std::vector<OptionSpec> pool_options{
        duration_option("timeout", "0",
                        "longest a worker may spend on one chunk before it is killed (0: no "
                        "limit)"),
        integer_option("retries", 1, "times a chunk lost with its worker is run again", 0, 100),
        hidden_option(integer_option("crash-on", -1,
                                     "test: the worker that first gets item K "
                                     "aborts",
                                     -1, INT64_MAX)),
        hidden_option(integer_option("hang-on", -1,
                                     "test: the worker that first gets item K "
                                     "hangs",
                                     -1, INT64_MAX)),
    };
    recipe_options.insert(recipe_options.end(), pool_options.begin(), pool_options.end());
    return recipe_options;
}

unsigned worker_index() {
    return this_worker;
}

void serve(Context&, std::span<const Task> tasks, const WorkerArgs& args) {
    this_worker = args.index;
    ::signal(SIGPIPE, SIG_IGN); // a parent that went away shows as a failed write
    child_say(fmt::format("worker-{}", this_worker), fmt::format("ready, pid {}", ::getpid()));
    if (!send_frame(results_fd, {}))
        throw ExitNow{1};
    std::string request;
    while (read_frame(STDIN_FILENO, request, largest_frame) == Got::frame)
        if (!send_frame(results_fd, serve_one(tasks, request)))
            throw ExitNow{1};
    // the pool closed our input: done
}

void raise(Reply reply) {
    if (reply.status == Reply::Status::failed)
        throw TaskError(reply.bytes);
    throw TaskLost(reply.bytes, std::move(reply.items), reply.exit_code);
}

} // namespace pool

// ---- ProcessPool ------------------------------------------------------------------------------
using pool::Fault;

struct ProcessPool::Impl {
    struct Job {
        std::size_t task;
        std::uint64_t first_item;
        std::size_t count;
        std::string arguments;
        int worker; // any_worker or the one that must run it
        bool bound; // belongs to that worker: never re-run on a replacement
        std::promise<pool::Reply> reply;
        unsigned attempts = 0;

        std::vector<std::uint64_t> items() const {
            std::vector<std::uint64_t> v(count);
            for (std::size_t i = 0; i < count; ++i)
                v[i] = first_item + i;
            return v;
        }
    };

    // One place in the pool: the worker process there now and our ends of its two pipes.
    // Only its feeder thread touches it once the pool is running.
    struct Slot {
        std::optional<Child> child;
        Fd tasks, results;
        std::atomic<pid_t> pid{0};
    };

    Context& ctx;
    std::span<const pool::Task> tasks;
    Duration timeout;
    unsigned retries;
    std::int64_t crash_on, hang_on;
    std::atomic<bool> crash_sent{false}, hang_sent{false};
    double start_seconds = 0;
    std::atomic<unsigned> restarts{0};

    std::vector<Slot> slots;
    std::mutex mutex; // guards the queues, closing and faults
    std::condition_variable wakeup;
    std::deque<Job> shared;
    std::vector<std::deque<Job>> own;
    bool closing = false;
    std::vector<Fault> faults;
    std::vector<std::jthread> feeders;

    Impl(Context& c, std::span<const pool::Task> t, unsigned workers)
        : ctx(c), tasks(t), timeout(c.duration("timeout")),
          retries(static_cast<unsigned>(c.integer("retries"))), crash_on(c.integer("crash-on")),
          hang_on(c.integer("hang-on")), slots(workers), own(workers) {}

    // ---- one worker's life ----
    void launch(unsigned w) {
        Pipe tasks = make_pipe(), results = make_pipe();
        Slot& s = slots[w];
        ChildOptions options;
        options.fds = {{0, tasks.read.get()}, {pool::results_fd, results.write.get()}};
        s.child.emplace(ctx, fmt::format("worker-{}", w),
                        role_call(std::string(pool::worker_role_name), pool::WorkerArgs{w}),
                        options);
        s.tasks = std::move(tasks.write);
        s.results = std::move(results.read);
        s.pid = s.child->pid();
    }

    void await_ready(unsigned w) {
        std::string hello;
        if (read_frame(slots[w].results.get(), hello, 0,
                       Stopwatch::clock::now() + pool::start_limit) == Got::frame)
            return;
        const pid_t pid = slots[w].pid;
        const int code = bury(w, true);
        throw std::runtime_error(fmt::format("worker {} (pid {}) did not start: it {}", w, pid,
                                             pool::describe_exit(code)));
    }

    // Waits for a worker that is gone (or kills it first); returns its exit code.
    int bury(unsigned w, bool kill) {
        Slot& s = slots[w];
        if (kill)
            s.child->kill();
        const int code = s.child->wait();
        s.child.reset();
        s.tasks = {};
        s.results = {};
        return code;
    }

    enum class Outcome { done, died, timed_out };

    Outcome exchange(unsigned w, Job& job, std::string& reply) {
        Slot& s = slots[w];
        if (!s.child) { // the last one died: its replacement starts now
            launch(w);
            await_ready(w);
            ++restarts;
        }
        std::string request;
        put(request,
            pool::Request{static_cast<std::uint32_t>(job.task),
                          static_cast<std::uint32_t>(job.count), job.first_item,
                          pool::fault_index(crash_on, job.first_item, job.count, crash_sent),
                          pool::fault_index(hang_on, job.first_item, job.count, hang_sent)});
        request += job.arguments;
        if (!send_frame(s.tasks.get(), request))
            return Outcome::died;
        Deadline deadline;
        if (timeout.count() > 0)
            deadline = Stopwatch::clock::now() + timeout;
        switch (read_frame(s.results.get(), reply, pool::largest_frame, deadline)) {
        case Got::frame:
            return Outcome::done;
        case Got::timed_out:
            return Outcome::timed_out;
        case Got::closed:
        case Got::too_large: // not our protocol: treat the worker as gone
            break;
        }
        return Outcome::died;
    }

    void deliver(Job& job, const std::string& frame) {
        std::string_view in = frame;
        const bool failed = take<pool::ReplyHeader>(in).failed;
        job.reply.set_value({failed ? pool::Reply::Status::failed : pool::Reply::Status::done,
                             std::string(in),
                             {},
                             0});
    }

    void lose(Job& job, std::string why, int exit_code) {
        job.reply.set_value({pool::Reply::Status::lost, std::move(why), job.items(), exit_code});
    }

    void report(Fault fault) {
        ctx.say("pool", pool::describe_fault(fault, timeout));
        std::lock_guard lock(mutex);
        faults.push_back(std::move(fault));
    }

    // Runs one job on worker w until it is done, failed in the task, or lost.
    void run(unsigned w, Job& job) {
        for (;;) {
            std::string reply;
            Outcome outcome;
            try {
                outcome = exchange(w, job, reply);
            } catch (const std::exception& e) { // no replacement worker could start
                return lose(job,
                            fmt::format("{} lost: {}", pool::describe_items(job.items()), e.what()),
                            -1);
            }
            if (outcome == Outcome::done)
                return deliver(job, reply);
            const pid_t pid = slots[w].pid;
            const int code = bury(w, outcome == Outcome::timed_out);
            const bool rerun = !job.bound && job.attempts < retries;
            report({w, pid, code, outcome == Outcome::timed_out ? "timed out" : "died", job.items(),
                    rerun});
            if (!rerun)
                return lose(job,
                            fmt::format("{} lost: worker {} (pid {}) {} after {} attempt(s)",
                                        pool::describe_items(job.items()), w, pid,
                                        pool::describe_exit(code), job.attempts + 1),
                            code);
            ++job.attempts;
        }
    }

    std::optional<Job> next(unsigned w) {
        std::unique_lock lock(mutex);
        wakeup.wait(lock, [&] { return !own[w].empty() || !shared.empty() || closing; });
        auto& queue = !own[w].empty() ? own[w] : shared;
        if (queue.empty())
            return std::nullopt; // closing, and nothing is left
        Job job = std::move(queue.front());
        queue.pop_front();
        return job;
    }

    // Closes the worker's input; it finishes and exits. Anything but exit code 0 is a fault.
    void retire(unsigned w) {
        Slot& s = slots[w];
        if (!s.child)
            return;
        const pid_t pid = s.pid;
        s.tasks = {};
        std::optional<int> code = s.child->wait_for(pool::stop_limit);
        if (!code)
            code = bury(w, true);
        else
            bury(w, false);
        if (*code != 0)
            report({w, pid, *code, "exited badly", {}, false});
    }

    void feed(unsigned w) {
        sigset_t pipe_signal; // writing to a dead worker must fail with EPIPE, not kill us
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
        while (std::optional<Job> job = next(w))
            run(w, *job);
        retire(w);
    }
};

ProcessPool::ProcessPool(Context& ctx, std::span<const pool::Task> tasks, unsigned workers)
    : impl_(std::make_unique<Impl>(ctx, tasks, workers ? workers : ctx.common().workers)) {
    Stopwatch sw;
    for (unsigned w = 0; w < size(); ++w) // launched one after another, ready in parallel
        impl_->launch(w);
    for (unsigned w = 0; w < size(); ++w)
        impl_->await_ready(w);
    impl_->start_seconds = sw.seconds();
    for (unsigned w = 0; w < size(); ++w)
        impl_->feeders.emplace_back([this, w] { impl_->feed(w); });
}

ProcessPool::~ProcessPool() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->closing = true;
    }
    impl_->wakeup.notify_all();
    impl_->feeders.clear();     // joins: every worker has exited and been waited for
    if (!impl_->faults.empty()) // a clean run's record is the same as every other group's
        impl_->ctx.field("faults", pool::faults_field(impl_->faults));
}

unsigned ProcessPool::size() const {
    return static_cast<unsigned>(impl_->slots.size());
}

double ProcessPool::start_seconds() const {
    return impl_->start_seconds;
}

std::vector<pid_t> ProcessPool::worker_pids() const {
    std::vector<pid_t> pids;
    for (const auto& s : impl_->slots)
        pids.push_back(s.pid);
    return pids;
}

std::vector<pool::Fault> ProcessPool::faults() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->faults;
}

unsigned ProcessPool::restarts() const {
    return impl_->restarts;
}

std::size_t ProcessPool::find(void (*function)()) const {
    for (std::size_t i = 0; i < impl_->tasks.size(); ++i)
        if (impl_->tasks[i].function == function)
            return i;
    throw std::logic_error("ProcessPool: this function is not in the pool's task table");
}

std::size_t ProcessPool::default_chunk(std::size_t items) const {
    const std::size_t parts = 4 * std::size_t{size()}; // Python: divmod(len, 4 * workers)
    return std::max<std::size_t>(1, items / parts + (items % parts ? 1 : 0));
}

std::future<pool::Reply> ProcessPool::submit(std::size_t task, std::uint64_t first_item,
                                             std::size_t count, std::string arguments, int worker,
                                             bool bound) {
    Impl::Job job{task, first_item, count, std::move(arguments), worker, bound, {}};
    auto reply = job.reply.get_future();
    {
        std::lock_guard lock(impl_->mutex);
        (worker == any_worker ? impl_->shared : impl_->own[static_cast<unsigned>(worker)])
            .push_back(std::move(job));
    }
    impl_->wakeup.notify_all();
    return reply;
}

} // namespace parcook
