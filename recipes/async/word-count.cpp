// async/word-count: the shared map-reduce workload, word counting, on an event loop.
// Shows: map-reduce with coroutines. The text is cut at whitespace into --tasks chunks; one
// coroutine per chunk counts its words into its own table (map), gathered on one io_context,
// and the tables are merged once they are all back (reduce). -t N runs the loop on N threads.
// Ports Disco's MapReduce word count (COOKBOOK section 4).
#include "async/support/loop.hpp"

namespace parcook {
namespace {

using async::task;

void run(Context& ctx) {
    const unsigned threads = ctx.common().threads;
    const std::string text = ctx.setup([&] { return workload::word_count_input(ctx); });
    const std::vector<std::string_view> chunks =
        workload::split_text(text, workload::task_count(ctx, threads));
    workload::WordCounts total;
    async::measure(
        ctx,
        [&]() -> task<> {
            const std::vector<workload::WordCounts> partial = co_await async::gather(
                chunks.size(), [&](std::size_t i) -> task<workload::WordCounts> {
                    workload::WordCounts mine;
                    workload::count_words(chunks[i], mine);
                    co_return mine;
                });
            total.clear();
            for (const workload::WordCounts& counts : partial)
                for (const auto& [word, count] : counts)
                    total[word] += count;
        },
        threads);
    workload::finish_word_count(ctx, {threads, chunks.size()}, text, workload::sorted(total));
}

} // namespace

extern const Recipe async_word_count = async::shared_member(
    workload::Shared::word_count, "map-reduce word count, one coroutine per text chunk", run);

} // namespace parcook
