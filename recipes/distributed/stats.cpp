// distributed/stats: the Flower monitor of "Using Celery to distribute tasks" [book ch.5].
// Shows: what a broker knows about a task queue: queue lengths, deliveries not yet acked (and
// how old the oldest is), the workers alive (heartbeat keys that expire unless renewed), and per
// task name how many were received, succeeded, failed, retried and rejected. With --broker it
// reports on that Redis; without one, it checks itself on a private broker: three add tasks, an
// unknown task and a garbage message, served by a worker in this process, must be counted so.
#include "distributed/support/queue_client.hpp"
#include "distributed/support/queue_cluster.hpp"
#include "distributed/support/queue_embedded.hpp"
#include "distributed/support/queue_stats.hpp"
#include "distributed/support/queue_worker.hpp"
#include "parcook/context.hpp"

#include <algorithm>
#include <boost/json/value_from.hpp>
#include <fmt/format.h>

namespace parcook {
namespace {

namespace json = boost::json;

// A known mix of messages, served by a worker in this process until all are handled.
void feed_and_serve(const queue::BrokerUrl& url, const queue::Settings& s) {
    queue::Redis r(url, s.timeout);
    queue::Client client(url, s.timeout);
    const std::vector<std::string> ids = client.send("parcook.add", {{1, 2}, {3, 4}, {5, 6}});
    client.delay("parcook.no_such_task", {});
    r.command({"LPUSH", "celery", "not json {"});
    queue::WorkerConfig config;
    config.url = url;
    config.timeout = s.timeout;
    config.visibility_timeout = s.visibility_timeout;
    config.max_tasks = 5;
    std::atomic<bool> never{false};
    queue::serve(config, never, [](const std::string&) {});
    client.get(ids);
}

std::uint64_t counter(const queue::QueueStats& st, const std::string& task, const std::string& c) {
    const auto t = st.tasks.find(task);
    if (t == st.tasks.end())
        return 0;
    const auto n = t->second.find(c);
    return n == t->second.end() ? 0 : n->second;
}

void demonstrate(Context& ctx) {
    const queue::Settings s = queue::settings(ctx);
    std::vector<std::string> queues = queue::queue_list(ctx.text("queues"), "--queues");
    queue::Broker broker(s);
    if (broker.embedded()) {
        feed_and_serve(broker.url(), s);
        if (std::find(queues.begin(), queues.end(), "celery") == queues.end())
            queues.push_back("celery"); // the queue the demonstration checks
    }
    queue::Redis r(broker.url(), s.timeout);
    const queue::QueueStats st = queue::collect_stats(r, queues);

    for (const auto& [q, n] : st.queue_lengths)
        ctx.say("stats", fmt::format("queue {}: {} waiting", q, n));
    ctx.say("stats", fmt::format("unacked: {} (oldest {:.1f} s)", st.unacked, st.oldest_unacked_s));
    ctx.say("stats",
            fmt::format("workers alive: {} {}", st.workers.size(), fmt::join(st.workers, " ")));
    for (const auto& [task, counters] : st.tasks) {
        std::string line = task + ":";
        for (const auto& [name, n] : counters)
            line += fmt::format(" {} {}", name, n);
        ctx.say("stats", line);
    }
    ctx.field("broker", json::string(broker.url().masked()));
    ctx.field("queues", json::value_from(st.queue_lengths));
    ctx.field("unacked", st.unacked);
    ctx.field("oldest_unacked_s", st.oldest_unacked_s);
    ctx.field("workers_alive", st.workers.size());
    ctx.field("tasks", json::value_from(st.tasks));
    if (broker.embedded()) {
        ctx.check("3 parcook.add received and succeeded",
                  counter(st, "parcook.add", "received") == 3 &&
                      counter(st, "parcook.add", "succeeded") == 3);
        ctx.check("the unknown task and the garbage message were rejected",
                  counter(st, "parcook.no_such_task", "rejected") == 1 &&
                      counter(st, "(unreadable)", "rejected") == 1);
        ctx.check("nothing left waiting or unacked",
                  st.queue_lengths.at("celery") == 0 && st.unacked == 0);
    }
}

void run(Context& ctx) {
    queue::answered(ctx, [&] { demonstrate(ctx); });
}

} // namespace

extern const Recipe distributed_stats{
    .group = "distributed",
    .name = "stats",
    .summary = "Flower's view of a broker: queue lengths, unacked, workers alive, task counts",
    .book = "Using Celery to distribute tasks (the Flower monitor) [book ch.5]",
    .options =
        [] {
            std::vector<OptionSpec> o = queue::broker_options();
            o.push_back(text_option("queues", "celery", "comma-separated queues to report"));
            return o;
        }(),
    .run = run,
};

} // namespace parcook
