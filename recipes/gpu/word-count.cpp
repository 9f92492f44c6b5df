// gpu/word-count: the gpu member of the shared map-reduce workload, word counting (COOKBOOK
// section 4; Disco's MapReduce in the book). Shows: what part of a map-reduce a GPU can take.
// Tokenizing and mapping words to ids is string work and stays on the host (set-up, untimed);
// the reduce, counting equal ids, is a histogram the device builds with one atomic increment per
// word (CUDA atomicAdd, OpenCL atomic_inc). The counts come back in id order and become the
// sorted (word, count) table every group reports. --api cuda|opencl (support/word-count-*).
#include "gpu/support/word-count.hpp"
#include "gpu/support/api.hpp"
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"

#include <limits>

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    const std::string api = gpu::api(ctx);
    const unsigned device = device_index(ctx, api);
    const std::string text = ctx.setup([&] { return workload::word_count_input(ctx); });
    const WordIds ids = ctx.setup([&] { return word_ids(text); });
    if (ids.ids.size() > std::numeric_limits<std::uint32_t>::max())
        throw UsageError("--n: the GPU histogram counts at most 2^32 - 1 words");
    auto gpu = ctx.setup([&] {
        return api == "cuda" ? open_word_count_cuda(device, ids)
                             : open_word_count_opencl(device, ids);
    });
    ctx.say("host", api + " device " + std::to_string(device) + ": " + gpu->name);

    std::vector<std::uint32_t> counts;
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(counts)); });

    std::map<std::string, std::uint64_t> table;
    for (std::size_t w = 0; w < ids.words.size(); ++w)
        table[ids.words[w]] = counts[w];
    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    workload::finish_word_count(ctx, {static_cast<unsigned>(gpu->threads), gpu->groups}, text,
                                table);
    record_passes(ctx, log.medians(ctx), {}, std::nullopt);
    ctx.headline(std::string(workload::describe(workload::Shared::word_count).rate_name));
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_word_count = workload::shared_recipe(
    workload::Shared::word_count, "gpu",
    "word count on a GPU: ids from the host, a histogram of atomic increments on the device",
    gpu::run);

} // namespace parcook
