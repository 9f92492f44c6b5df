// threads/word-count: the shared map-reduce workload, word counting, on std::threads.
// Ports Disco's MapReduce word count (COOKBOOK section 4, distributed/word-count).
// Shows: map-reduce with private state. The text is cut at whitespace into one chunk per member
// of a thread team; each member counts its chunk into its own hash map (map, no locking), and the
// maps are merged after the parallel region (reduce). The result is the sorted (word, count)
// table, recorded as a checksum so every group can be compared.
#include "parcook/context.hpp"
#include "parcook/team.hpp"
#include "parcook/workloads.hpp"

namespace parcook {
namespace {

void run(Context& ctx) {
    const unsigned threads = ctx.common().threads;
    const std::string text = ctx.setup([&] { return workload::word_count_input(ctx); });
    const std::vector<std::string_view> chunks = workload::split_text(text, threads);

    Team team(threads);
    std::vector<workload::WordCounts> partial(threads);
    workload::WordCounts total;
    ctx.measure([&] {
        team.run([&](unsigned m) {
            partial[m].clear();
            if (m < chunks.size())
                workload::count_words(chunks[m], partial[m]);
        });
        total.clear();
        for (const workload::WordCounts& counts : partial)
            for (const auto& [word, count] : counts)
                total[word] += count;
    });

    workload::finish_word_count(ctx, {threads, chunks.size()}, text, workload::sorted(total));
}

} // namespace

extern const Recipe threads_word_count = workload::shared_recipe(
    workload::Shared::word_count, "threads",
    "map-reduce word count, one text chunk and hash map per thread", run, {}, Uses::threads);

} // namespace parcook
