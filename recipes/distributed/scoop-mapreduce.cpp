// distributed/scoop-mapreduce: "Handling map functions with SCOOP" [book ch.5].
// Shows: a distributed map followed by a reduction, and why latency-bound tasks gain from more
// workers. Item a (a < --n) stands for SCOOP's simulateWorkload([a] * a): it sleeps --sleep and
// returns a*a. Modes: map (one task per item, results in input order, summed), as-completed
// (the same tasks, summed as they arrive), mapreduce (--tasks range tasks
// sum_squares(begin, end, sleep) summed on the workers, then here), serial (here, one after
// another). Every mode's sum is (n-1) n (2n-1) / 6 = 332833500 for n = 1000. Unless the mode is
// serial, the serial run is timed too, and with 4 or more workers the parallel run must take
// less than half as long (the work is sleep, so this holds on 2 cores).
#include "distributed/support/queue_cluster.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {

std::uint64_t serial(std::uint64_t n, Duration pause) {
    std::uint64_t sum = 0;
    for (std::uint64_t a = 0; a < n; ++a) {
        std::this_thread::sleep_for(pause);
        sum += a * a;
    }
    return sum;
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n;
    const Duration pause = ctx.duration("sleep");
    const double pause_s = to_seconds(pause);
    const std::string mode = ctx.text("mode");
    const std::uint64_t expected = (n - 1) * n * (2 * n - 1) / 6;
    std::optional<queue::Cluster> cluster;
    if (mode != "serial" &&
        !queue::answered(ctx, [&] { ctx.setup([&] { cluster.emplace(ctx); }); }))
        return;

    std::uint64_t sum = 0;
    bool in_order = true, all = true;
    auto parallel = [&] {
        sum = 0;
        queue::Client& client = cluster->client();
        std::vector<boost::json::array> args;
        if (mode == "mapreduce") {
            const auto parts = std::min<std::uint64_t>(
                workload::task_count(ctx, std::max(cluster->workers(), 1u)), n);
            for (std::uint64_t t = 0; t < parts; ++t) {
                const auto [b, e] =
                    block(n, static_cast<unsigned>(parts), static_cast<unsigned>(t));
                args.push_back({b, e, pause_s});
            }
            for (const auto& v : queue::map(client, "parcook.sum_squares", args))
                sum += v.to_number<std::uint64_t>();
            return;
        }
        for (std::uint64_t a = 0; a < n; ++a)
            args.push_back({a, a + 1, pause_s});
        const std::vector<std::string> ids = client.send("parcook.sum_squares", args);
        std::vector<bool> seen(n);
        std::uint64_t next = 0, count = 0;
        client.collect(ids, [&](std::size_t i, const boost::json::value& v) {
            const auto sq = v.to_number<std::uint64_t>();
            in_order &= sq == i * i;
            seen[i] = true;
            ++count;
            sum += sq;
            if (mode == "map") // futures.map: the results are read in input order
                while (next < n && seen[next])
                    ++next;
        });
        all &= count == n && (mode != "map" || next == n);
    };

    if (mode == "serial") {
        ctx.measure([&] { sum = serial(n, pause); });
    } else if (!queue::answered(ctx, [&] { ctx.measure(parallel); })) {
        return;
    }
    ctx.say("main", fmt::format("{} sum of a*a for a < {}: {}", mode, n, sum));
    ctx.check(fmt::format("the sum is (n-1)n(2n-1)/6 = {}", expected), sum == expected,
              std::to_string(sum));
    if (mode == "map" || mode == "as-completed")
        ctx.check(mode == "map" ? "map yields every result, in input order"
                                : "as-completed yields all n results",
                  all && in_order);
    ctx.metric("seconds_parallel", ctx.result().timing->median, "s");
    if (mode != "serial") {
        Stopwatch sw;
        serial(n, pause);
        const double serial_s = sw.seconds();
        ctx.metric("seconds_serial", serial_s, "s");
        ctx.metric("speedup", serial_s / ctx.result().timing->median, "x");
        ctx.headline("speedup");
        if (cluster->workers() >= 4)
            ctx.check("with 4 or more workers the parallel run takes < serial / 2",
                      ctx.result().timing->median < serial_s / 2);
    }
}

} // namespace

extern const Recipe distributed_scoop_mapreduce = queue::member(Recipe{
    .group = "distributed",
    .name = "scoop-mapreduce",
    .summary = "SCOOP's map and mapReduce of a sleeping a*a over a < n, against a serial run",
    .book = "Handling map functions with SCOOP [book ch.5]",
    .options =
        [] {
            std::vector<OptionSpec> o = queue::cluster_options(4, 1);
            o.push_back(choice_option("mode", "mapreduce",
                                      {"map", "as-completed", "mapreduce", "serial"},
                                      "how the items are mapped and reduced"));
            o.push_back(duration_option("sleep", "10ms", "simulated work per item"));
            return o;
        }(),
    .run = run,
    .uses = Uses::n | Uses::tasks | Uses::timing,
    .defaults = {{"n", "1000"}},
    .tour_args = {"--n", "200", "--sleep", "2ms"},
    .min_n = 1,
});

} // namespace parcook
