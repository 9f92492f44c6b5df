// distributed/worker: `celery -A app worker` [book ch.5, "How to create a task with Celery"].
// Shows: a worker process serving a task queue: it takes Celery protocol v2 messages from the
// broker's queues, runs the named C++ task (parcook.add, parcook.sleep, ...), stores the
// result in Celery's result-backend format and only then acks. `--broker URL` serves a
// running Redis (any number of hosts may serve it) until SIGINT/SIGTERM (warm shutdown); with no
// broker it serves a private one and prints its address. `--self-check N` first sends N
// add(i, i) tasks and checks their results, the bounded run `parcook tour` makes. A lost
// broker is reconnected to for up to --reconnect (Celery's broker_connection_retry).
#include "distributed/support/queue_cluster.hpp"
#include "distributed/support/queue_embedded.hpp"
#include "distributed/support/queue_stats.hpp"
#include "distributed/support/queue_tasks.hpp"
#include "distributed/support/queue_worker.hpp"
#include "parcook/context.hpp"
#include "parcook/host.hpp"

#include <fmt/format.h>
#include <optional>
#include <thread>

namespace parcook {
namespace {

void banner(Context& ctx, const queue::WorkerConfig& c) {
    ctx.say("worker", fmt::format("parcook worker v{} ({})", version(), host().hostname));
    ctx.say("worker", fmt::format(".> transport:   {}", c.url.masked()));
    ctx.say("worker", ".> results:     redis (celery-task-meta-<id>, Celery's result backend)");
    ctx.say("worker", fmt::format(".> concurrency: {} (threads)", c.concurrency));
    ctx.say("worker", fmt::format(".> queues:      {}", fmt::join(c.queues, ",")));
    ctx.say("worker", fmt::format("[tasks] {}", queue::task_names()));
}

// Sends n add(i, i) tasks, then serves them in this process; checks every result is 2i.
void self_check(Context& ctx, const queue::WorkerConfig& config, std::uint64_t n,
                const queue::LogLine& log) {
    queue::Client client(config.url, config.timeout, config.queues.front());
    std::vector<boost::json::array> args;
    for (std::uint64_t i = 0; i < n; ++i)
        args.push_back({i, i});
    Stopwatch sw;
    const std::vector<std::string> ids = client.send("parcook.add", args);
    std::atomic<bool> halt{false};
    queue::WorkerTotals totals;
    std::exception_ptr failed;
    std::jthread serving([&] {
        try {
            totals = queue::serve(config, halt, log);
        } catch (...) {
            failed = std::current_exception();
        }
    });
    std::vector<boost::json::value> results;
    try {
        results = client.get(ids);
    } catch (...) {
        halt = true;
        throw;
    }
    const double seconds = sw.seconds();
    halt = true;
    serving.join();
    if (failed)
        std::rethrow_exception(failed);
    std::uint64_t right = 0;
    for (std::uint64_t i = 0; i < n; ++i)
        right += results[i] == boost::json::value(2 * i);
    ctx.check("every add(i, i) returned 2i", right == n, fmt::format("{} of {}", right, n));
    ctx.check("this worker received the tasks it was sent",
              totals.succeeded >= n || config.max_tasks,
              fmt::format("{} succeeded", totals.succeeded));
    ctx.metric("round_trips_per_s", static_cast<double>(n) / seconds, "tasks/s");
    ctx.headline("round_trips_per_s");
}

// Serves until SIGINT/SIGTERM. A lost broker is reconnected to (Celery's
// broker_connection_retry) once a second for up to `reconnect` from the loss; what the worker
// held then is unacked and the broker restores it after the visibility timeout. Gives up with
// the broker's error past that.
queue::WorkerTotals serve_reconnecting(const queue::WorkerConfig& config, Duration reconnect,
                                       const queue::LogLine& log) {
    const std::atomic<bool>& stop = queue::stop_on_signals();
    constexpr auto retry = std::chrono::seconds(1);
    std::optional<std::chrono::steady_clock::time_point> lost;
    for (;;) {
        const auto attempt = std::chrono::steady_clock::now();
        try {
            return queue::serve(config, stop, log);
        } catch (const queue::BrokerError& e) {
            const auto now = std::chrono::steady_clock::now();
            if (!lost || now - attempt > 2 * retry) // it had been serving: a new loss
                lost = now;
            if (stop || now - *lost >= reconnect)
                throw;
            log(fmt::format("broker lost: {}; reconnecting in {}s (giving up after --reconnect "
                            "{})",
                            e.what(), retry.count(), format_seconds(to_seconds(reconnect))));
        }
        for (auto until = std::chrono::steady_clock::now() + retry;
             !stop && std::chrono::steady_clock::now() < until;)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (stop)
            return {};
    }
}

void serve(Context& ctx) {
    const queue::Settings s = queue::settings(ctx);
    queue::Broker broker(s); // before the signal handlers: ours replace the cleanup ones
    queue::WorkerConfig config;
    config.url = broker.url();
    config.concurrency = static_cast<unsigned>(ctx.integer("concurrency"));
    config.queues = queue::queue_list(ctx.text("queues"), "--queues");
    config.timeout = s.timeout;
    config.visibility_timeout = s.visibility_timeout;
    config.max_message = s.max_message;
    config.max_tasks = ctx.count("max-tasks");
    banner(ctx, config);
    const queue::LogLine log = [&](const std::string& line) { ctx.say("worker", line); };
    ctx.field("broker", boost::json::string(broker.url().masked()));
    if (const std::uint64_t n = ctx.count("self-check"); n > 0)
        return self_check(ctx, config, n, log);
    if (broker.embedded())
        ctx.say("worker", fmt::format("serving a private broker: --broker {} (until "
                                      "SIGINT/SIGTERM)",
                                      broker.url().masked()));
    const queue::WorkerTotals t = serve_reconnecting(
        config, broker.embedded() ? Duration::zero() : ctx.duration("reconnect"), log);
    ctx.say("worker", "warm shutdown: done");
    ctx.metric("received", static_cast<double>(t.received), "tasks");
    ctx.metric("succeeded", static_cast<double>(t.succeeded), "tasks");
    ctx.metric("failed", static_cast<double>(t.failed), "tasks");
    ctx.metric("rejected", static_cast<double>(t.rejected), "messages");
    ctx.metric("restored", static_cast<double>(t.restored), "messages");
    ctx.check("every task received was answered (succeeded, failed or rejected)",
              t.received == t.succeeded + t.failed + t.rejected);
}

void run(Context& ctx) {
    queue::answered(ctx, [&] { serve(ctx); });
}

} // namespace

extern const Recipe distributed_worker{
    .group = "distributed",
    .name = "worker",
    .summary = "serve a Celery task queue on Redis: run named C++ tasks, store results, ack",
    .book = "How to create a task with Celery (celery worker) [book ch.5]",
    .options =
        [] {
            std::vector<OptionSpec> o = queue::broker_options();
            o.push_back(integer_option("concurrency", 2, "executor threads", 1, 256));
            o.push_back(text_option("queues", "celery", "comma-separated queues to serve"));
            o.push_back(duration_option("reconnect", "60s",
                                        "how long to keep reconnecting to a lost --broker (0: "
                                        "stop at once)"));
            o.push_back(count_option("max-tasks", "0",
                                     "stop after this many messages (0: serve "
                                     "until SIGINT/SIGTERM)"));
            o.push_back(count_option("self-check", "0",
                                     "first send this many add(i, i) tasks and check the results, "
                                     "then stop",
                                     1000000));
            return o;
        }(),
    .run = run,
    .tour_args = {"--self-check", "200"},
};

} // namespace parcook
