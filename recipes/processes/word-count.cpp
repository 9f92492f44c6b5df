// processes/word-count: map-reduce word count with a pool of worker processes; the processes
// member of the shared word-count workload (COOKBOOK section 4; ports Disco's MapReduce).
// Shows: map-reduce across processes. The text is cut at whitespace into --tasks chunks (default
// 4 per worker); each chunk travels to a worker through its pipe, as Python pickles it; the
// worker counts its words (map) and sends its table back the same way; the parent merges the
// tables (reduce). The result is the sorted (word, count) table, recorded as a checksum.
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"
#include "processes/pool.hpp"

namespace parcook {
namespace {

workload::WordCounts count_chunk(const std::string& chunk) {
    workload::WordCounts counts;
    workload::count_words(chunk, counts);
    return counts;
}

const pool::Task tasks[] = {pool::task<count_chunk>()};

void run(Context& ctx) {
    std::optional<ProcessPool> pool;
    std::string text;
    std::vector<std::string> chunks;
    ctx.setup([&] {
        text = workload::word_count_input(ctx);
        pool.emplace(ctx, tasks);
        for (std::string_view part :
             workload::split_text(text, workload::task_count(ctx, pool->size())))
            chunks.emplace_back(part);
    });

    workload::WordCounts total;
    try {
        ctx.measure([&] {
            total.clear();
            for (const workload::WordCounts& counts : pool->map(count_chunk, chunks, 1))
                for (const auto& [word, count] : counts)
                    total[word] += count;
        });
    } catch (const pool::TaskLost& lost) {
        ctx.check("no chunk lost (a lost chunk runs again on a new worker)", false, lost.what());
        return;
    }
    ctx.metric("pool_start", pool->start_seconds(), "s");

    workload::finish_word_count(ctx, {pool->size(), chunks.size()}, text, workload::sorted(total));
}

} // namespace

extern const Recipe processes_word_count = pool::with_worker_role<tasks>(workload::shared_recipe(
    workload::Shared::word_count, "processes",
    "map-reduce word count: text chunks mapped over a pool of worker processes", run,
    pool::options(), Uses::workers | Uses::tasks));

} // namespace parcook
