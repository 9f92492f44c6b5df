// gpu/fib-map: the gpu member of the shared task-parallel workload, naive Fibonacci over an
// uneven list (COOKBOOK section 4; the wiki's process pool over Fibonacci). A poor fit by design,
// shown honestly: a GPU wants many equal, independent threads, and a few recursive tasks of very
// unequal size are the opposite. The host expands each task's recursion `--depth` levels into a
// frontier of leaves (fib(k) = fib(k-1) + fib(k-2), up to 2^depth leaves a task); every leaf is
// one device thread running the naive recursion (CUDA recursion; an explicit stack in OpenCL C,
// which forbids recursion), and the leaves' values are summed per task (CUDA: atomicAdd on the
// device). Compare its tasks_per_second with threads/fib-map: it loses to the CPU.
#include "gpu/support/fib-map.hpp"
#include "gpu/support/api.hpp"
#include "parcook/context.hpp"
#include "parcook/workloads.hpp"

namespace parcook::gpu {
namespace {

void run(Context& ctx) {
    const std::vector<unsigned> tasks = workload::fib_tasks(ctx);
    const std::string api = gpu::api(ctx);
    const unsigned device = device_index(ctx, api);
    const auto depth = static_cast<unsigned>(ctx.integer("depth"));
    const FibFrontier frontier = expand_fib(tasks, depth);
    auto gpu = ctx.setup([&] {
        return api == "cuda" ? open_fib_cuda(device, frontier, tasks.size())
                             : open_fib_opencl(device, frontier, tasks.size());
    });
    ctx.say("host", api + " device " + std::to_string(device) + ": " + gpu->name);
    ctx.say("host", std::to_string(tasks.size()) + " tasks expanded " + std::to_string(depth) +
                        " levels into " + std::to_string(frontier.m.size()) + " leaves");

    std::vector<std::uint64_t> values(tasks.size());
    PassLog log;
    ctx.measure_own([&] { return log.keep(gpu->pass(values)); });

    ctx.param("api", api.c_str());
    ctx.param("device", gpu->name.c_str());
    workload::finish_fib_map(ctx, static_cast<unsigned>(gpu->threads), tasks, values);
    record_passes(ctx, log.medians(ctx), {}, std::nullopt);
    ctx.headline(std::string(workload::describe(workload::Shared::fib_map).rate_name));
}

} // namespace
} // namespace parcook::gpu

namespace parcook {

extern const Recipe gpu_fib_map = workload::shared_recipe(
    workload::Shared::fib_map, "gpu",
    "naive Fibonacci on a GPU, one thread per leaf of the expanded recursion (a poor fit)",
    gpu::run,
    {integer_option("depth", 12, "levels of each task's recursion expanded on the host", 0, 16)});

} // namespace parcook
