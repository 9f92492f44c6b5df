// distributed/celery-add: "How to create a task with Celery" [book ch.5].
// Shows: a client enqueues a named task (add.delay(5, 5)) and a worker process executes it and
// logs Celery's lines. The client publishes a Celery protocol v2 message (JSON, never pickle)
// on the broker's "celery" queue and reads the result from Celery's Redis result backend (the
// book had results disabled). Three clients get three distinct ids; with --concurrency 2 two
// tasks that each sleep --sleep run side by side.
#include "distributed/support/queue_cluster.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <set>
#include <thread>

namespace parcook {
namespace {

namespace json = boost::json;

// Celery's worker log lines for one task: Received, then succeeded with the result.
bool logged(Context& ctx, const std::string& id, const std::string& result) {
    bool received = false, succeeded = false;
    for (const TraceLine& line : ctx.result().trace) {
        received |= line.text == fmt::format("Received task: parcook.add[{}]", id);
        succeeded |= line.text.starts_with(fmt::format("Task parcook.add[{}] succeeded in ", id)) &&
                     line.text.ends_with("s: " + result);
    }
    return received && succeeded;
}

// The benchmark figures: --round-trips add(i, i) sent at once and their results read back, and
// --latency one-at-a-time delay(...).get() calls (the median).
void measure_round_trips(Context& ctx, queue::Client& client) {
    const std::uint64_t n = ctx.count("round-trips");
    std::vector<json::array> args;
    for (std::uint64_t i = 0; i < n; ++i)
        args.push_back({i, i});
    Stopwatch sw;
    const std::vector<json::value> sums = queue::map(client, "parcook.add", args);
    const double seconds = sw.seconds();
    std::uint64_t right = 0;
    for (std::uint64_t i = 0; i < n; ++i)
        right += sums[i] == json::value(2 * i);
    ctx.check(fmt::format("{} add(i, i) round trips returned 2i", n), right == n);
    ctx.metric("round_trips_per_s", static_cast<double>(n) / seconds, "tasks/s");
    std::vector<double> samples;
    for (std::uint64_t i = 0; i < ctx.count("latency"); ++i) {
        Stopwatch one;
        client.get(client.delay("parcook.add", {i, 1}));
        samples.push_back(one.seconds());
    }
    const Stats latency = Stats::of(std::move(samples));
    ctx.metric("delay_get_latency", latency.median, "s");
    ctx.headline("delay_get_latency");
}

void demonstrate(Context& ctx) {
    const std::int64_t x = ctx.integer("x"), y = ctx.integer("y");
    const unsigned clients = static_cast<unsigned>(ctx.integer("clients"));
    queue::Cluster cluster(ctx);
    queue::Client& client = cluster.client();

    const std::string id = client.delay("parcook.add", {x, y});
    ctx.say("client", fmt::format("add.delay({}, {}) -> {}", x, y, id));
    const json::value v = client.get(id);
    ctx.say("client", fmt::format("AsyncResult({}).get() = {}", id, json::serialize(v)));
    ctx.check("the result is x + y", v == json::value(x + y), json::serialize(v));

    std::vector<std::string> ids(clients);
    std::vector<json::value> values(clients);
    {
        std::vector<std::jthread> threads;
        for (unsigned c = 0; c < clients; ++c)
            threads.emplace_back([&, c] {
                queue::Client own(cluster.url(), cluster.settings().timeout);
                ids[c] = own.delay("parcook.add", {x, y});
                values[c] = own.get(ids[c]);
            });
    }
    const std::set<std::string> distinct(ids.begin(), ids.end());
    ctx.check(fmt::format("{} clients got {} distinct ids", clients, clients),
              distinct.size() == clients);
    ctx.check("every client's task succeeded",
              std::all_of(values.begin(), values.end(),
                          [&](const json::value& r) { return r == json::value(x + y); }));

    const double pause = to_seconds(ctx.duration("sleep"));
    // Checked for one worker's --concurrency (Celery's prefork pool): a worker prefetches, so
    // two single-threaded workers may both hold the two sleeps in one of them.
    const bool pool = cluster.workers() > 0 && ctx.integer("concurrency") >= 2;
    Stopwatch sw;
    client.get(client.send("parcook.sleep", {{pause}, {pause}}));
    const double both = sw.seconds();
    ctx.metric("two_sleeps", both, "s");
    if (pool)
        ctx.check(fmt::format("two {} sleeps ran side by side (< 1.5x one)", format_seconds(pause)),
                  both < 1.5 * pause, format_seconds(both));

    measure_round_trips(ctx, client);

    cluster.stop_workers(); // their last lines are now in the trace
    if (cluster.workers() > 0 && ctx.text("loglevel") == "info")
        ctx.check("the worker logged Received and succeeded lines with the id and the result",
                  logged(ctx, id, json::serialize(v)));
}

void run(Context& ctx) {
    queue::answered(ctx, [&] { demonstrate(ctx); });
}

} // namespace

extern const Recipe distributed_celery_add{
    .group = "distributed",
    .name = "celery-add",
    .summary = "add.delay(5, 5) on a Celery-compatible worker; three clients; concurrency 2",
    .book = "How to create a task with Celery [book ch.5]",
    .options =
        [] {
            std::vector<OptionSpec> o = queue::cluster_options(1, 2, "info");
            o.push_back(integer_option("x", 5, "first operand", 0, INT64_C(1) << 52));
            o.push_back(integer_option("y", 5, "second operand", 0, INT64_C(1) << 52));
            o.push_back(
                integer_option("clients", 3, "concurrent clients, each sending one add", 1, 64));
            o.push_back(duration_option("sleep", "1s",
                                        "what each of the two sleep tasks sleeps (long enough "
                                        "to tell side by side from one after the other)",
                                        std::chrono::milliseconds(10)));
            o.push_back(count_option("round-trips", "1000",
                                     "add(i, i) tasks sent at once for the throughput figure",
                                     10000000, 1));
            o.push_back(count_option("latency", "200",
                                     "one-at-a-time delay().get() calls for the latency figure",
                                     1000000, 1));
            return o;
        }(),
    .run = run,
    .tour_args = {"--sleep", "200ms", "--round-trips", "500", "--latency", "50"},
    .roles = {queue::worker_role()},
};

} // namespace parcook
