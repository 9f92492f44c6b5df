// distributed/word-count: "Using MapReduce with Disco" [book ch.5]; the distributed member of
// the shared word-count workload (COOKBOOK section 4).
// Shows: map-reduce on a task queue. The master cuts the text at whitespace into M = --tasks
// chunks, each a map task word_count_map(job, m, R, chunk) that counts its words (lower-cased,
// punctuation stripped) and stores R partitions in the broker, word w going to partition
// FNV(w) mod R (--partitions). Once every map is done, R reduce tasks
// word_count_reduce(job, r, M) each read partition r of every map, group equal words (sorted),
// sum, and return their part of the table. A map run twice stores the same partitions again, so
// redelivery changes nothing. The result is identical for any M and R.
#include "distributed/support/queue_cluster.hpp"
#include "distributed/support/queue_message.hpp"
#include "distributed/support/queue_tasks.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

using Table = std::map<std::string, std::uint64_t>;

Table map_reduce(queue::Client& client, const std::vector<std::string_view>& chunks,
                 std::uint64_t partitions) {
    const std::string job = queue::new_uuid();
    std::vector<boost::json::array> maps, reduces;
    for (std::size_t m = 0; m < chunks.size(); ++m)
        maps.push_back({job, m, partitions, boost::json::string(chunks[m])});
    queue::map(client, "parcook.word_count_map", maps); // the barrier between the phases
    for (std::uint64_t r = 0; r < partitions; ++r)
        reduces.push_back({job, r, chunks.size()});
    Table table;
    for (const auto& part : queue::map(client, "parcook.word_count_reduce", reduces))
        for (const auto& pair : part.as_array())
            table[std::string(pair.as_array()[0].as_string())] =
                pair.as_array()[1].to_number<std::uint64_t>();
    queue::Args del{"DEL"};
    std::vector<std::string> keys;
    for (std::uint64_t r = 0; r < partitions; ++r)
        for (std::size_t m = 0; m < chunks.size(); ++m)
            keys.push_back(queue::partition_key(job, r, m));
    del.insert(del.end(), keys.begin(), keys.end());
    client.commands().command(del);
    return table;
}

void run(Context& ctx) {
    std::string text;
    std::optional<queue::Cluster> cluster;
    std::vector<std::string_view> chunks;
    ctx.setup([&] {
        text = workload::word_count_input(ctx);
        cluster.emplace(ctx);
        chunks =
            workload::split_text(text, workload::task_count(ctx, std::max(cluster->workers(), 1u)));
    });
    const std::uint64_t partitions = ctx.count("partitions");
    Table table;
    if (!queue::answered(ctx, [&] {
            ctx.measure([&] { table = map_reduce(cluster->client(), chunks, partitions); });
        }))
        return;
    ctx.param("partitions", partitions);
    workload::finish_word_count(ctx, {cluster->workers(), chunks.size()}, text, table);
}

} // namespace

extern const Recipe distributed_word_count = queue::member(workload::shared_recipe(
    workload::Shared::word_count, "distributed",
    "Disco's map-reduce word count: M map tasks, R partitions in the broker, R reduce tasks", run,
    [] {
        std::vector<OptionSpec> o = queue::cluster_options();
        o.push_back(count_option("partitions", "2", "R: reduce partitions", 1024, 1));
        return o;
    }(),
    Uses::tasks));

} // namespace parcook
