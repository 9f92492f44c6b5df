// distributed/pi: "Scientific computing with SCOOP" (Monte Carlo pi) [book ch.5]; the
// distributed member of the shared pi workload (COOKBOOK section 4).
// Shows: many small independent futures farmed out to worker processes. The n samples are cut
// into --tasks ranges (default 4 per worker); each range is a task pi_count(seed, begin, end) on
// the broker, sent all at once, and the results come back in input order (SCOOP's futures.map).
// Sample k uses the shared counter-based draws, so the hits equal every other group's for the
// same seed and n, whatever --workers and --tasks. --book runs the book's three runs instead:
// W futures of W samples each for W = 1000, 2000, 3000, printed as SCOOP's example prints them.
#include "distributed/support/queue_cluster.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

#include <cmath>
#include <fmt/format.h>
#include <numbers>

namespace parcook {
namespace {

std::uint64_t hits_of(queue::Client& client, const std::vector<boost::json::array>& ranges) {
    std::uint64_t hits = 0;
    for (const auto& h : queue::map(client, "parcook.pi_count", ranges))
        hits += h.to_number<std::uint64_t>();
    return hits;
}

void book(Context& ctx, queue::Client& client) {
    const std::uint64_t seed = ctx.common().seed;
    for (const std::uint64_t w : {1000, 2000, 3000}) {
        std::vector<boost::json::array> futures;
        for (std::uint64_t f = 0; f < w; ++f)
            futures.push_back({seed, f * w, (f + 1) * w});
        Stopwatch sw;
        const std::uint64_t hits = hits_of(client, futures);
        const double n = static_cast<double>(w * w), estimate = 4.0 * static_cast<double>(hits) / n;
        const double p = std::numbers::pi / 4, sigma = 4 * std::sqrt(p * (1 - p) / n);
        ctx.say("main", fmt::format("number of workers {} - number of attempts {}", w, w));
        ctx.say("main",
                fmt::format("{} points fallen in a unit disk after {} attempts", hits, w * w));
        ctx.say("main", fmt::format("value of pi = {:.7f}", estimate));
        ctx.say("main",
                fmt::format("error percentage = {:.4f}",
                            std::abs(estimate - std::numbers::pi) * 100 / std::numbers::pi));
        ctx.say("main", fmt::format("total time: {:.3f} s", sw.seconds()));
        ctx.check(fmt::format("W = {}: |pi_estimate - pi| < 6 sigma", w),
                  std::abs(estimate - std::numbers::pi) < 6 * sigma,
                  fmt::format("{:.7f}", estimate));
    }
}

void run(Context& ctx) {
    const std::uint64_t n = ctx.common().n, seed = ctx.common().seed;
    std::optional<queue::Cluster> cluster;
    if (!queue::answered(ctx, [&] { ctx.setup([&] { cluster.emplace(ctx); }); }))
        return;
    if (ctx.flag("book")) {
        queue::answered(ctx, [&] { book(ctx, cluster->client()); });
        return;
    }
    const unsigned workers = cluster->workers();
    const std::uint64_t parts = std::min(workload::task_count(ctx, std::max(workers, 1u)), n);
    std::vector<boost::json::array> ranges;
    for (std::uint64_t t = 0; t < parts; ++t) {
        const auto [begin, end] = block(n, static_cast<unsigned>(parts), static_cast<unsigned>(t));
        ranges.push_back({seed, begin, end});
    }
    std::uint64_t hits = 0;
    if (!queue::answered(ctx,
                         [&] { ctx.measure([&] { hits = hits_of(cluster->client(), ranges); }); }))
        return;
    workload::finish_pi(ctx, {workers, parts}, hits);
}

} // namespace

extern const Recipe distributed_pi = queue::member(workload::shared_recipe(
    workload::Shared::pi, "distributed",
    "Monte Carlo pi: ranges of samples as tasks for worker processes on a Redis broker", run,
    [] {
        std::vector<OptionSpec> o = queue::cluster_options();
        o.push_back(flag_option("book", "the book's three runs: W futures of W samples, W = 1000, "
                                        "2000, 3000"));
        return o;
    }(),
    Uses::tasks));

} // namespace parcook
