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

#include <algorithm>
#include <fmt/format.h>
#include <fstream>

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

// Disco's two result files: "word\tcount" by word, and by count (descending, then word). Read
// back and checked for their order.
void write_results(Context& ctx, const std::string& dir, const Table& table) {
    std::vector<std::pair<std::string, std::uint64_t>> by_count(table.begin(), table.end());
    std::stable_sort(by_count.begin(), by_count.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    auto write = [&](const std::string& name, const auto& rows) {
        const std::string path = dir + "/" + name;
        std::ofstream out(path);
        for (const auto& [word, count] : rows)
            out << word << '\t' << count << '\n';
        out.close();
        if (!out)
            throw UsageError(fmt::format("--output: cannot write {}", quote_input(path)));
        std::ifstream in(path);
        std::vector<std::pair<std::string, std::uint64_t>> back;
        std::string word;
        for (std::uint64_t count; in >> word >> count;)
            back.emplace_back(word, count);
        return back;
    };
    const auto alpha = write("SortAlphabetical.txt", table);
    const auto numeric = write("SortNumerical.txt", by_count);
    ctx.check("SortAlphabetical.txt is sorted by word",
              alpha.size() == table.size() && std::is_sorted(alpha.begin(), alpha.end()));
    ctx.check("SortNumerical.txt is sorted by count (descending), then word",
              numeric.size() == table.size() &&
                  std::is_sorted(numeric.begin(), numeric.end(), [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                  }));
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
    if (!ctx.text("output").empty())
        write_results(ctx, ctx.text("output"), table);
    workload::finish_word_count(ctx, {cluster->workers(), chunks.size()}, text, table);
}

} // namespace

extern const Recipe distributed_word_count = queue::member(workload::shared_recipe(
    workload::Shared::word_count, "distributed",
    "Disco's map-reduce word count: M map tasks, R partitions in the broker, R reduce tasks", run,
    [] {
        std::vector<OptionSpec> o = queue::cluster_options();
        o.push_back(count_option("partitions", "2", "R: reduce partitions", 1024, 1));
        o.push_back(text_option("output", "",
                                "write SortAlphabetical.txt and SortNumerical.txt (Disco's result "
                                "files) into this directory"));
        return o;
    }(),
    Uses::tasks));

} // namespace parcook
