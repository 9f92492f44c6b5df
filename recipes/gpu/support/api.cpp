// Which API and device a gpu recipe runs on (see api.hpp).
#include "gpu/support/api.hpp"
#include "gpu/support/devices.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>

namespace parcook::gpu {

std::string api(const Context& ctx) {
    const std::string& given = ctx.text("api");
    if (given != "auto")
        return given;
    return cuda_device_count() > 0 ? "cuda" : "opencl";
}

void require_opencl_api(const Context& ctx) {
    if (ctx.text("api") == "cuda")
        throw UsageError("--api: " + ctx.recipe().id() +
                         " is an OpenCL recipe (only --api opencl)");
}

void require_cuda_api(const Context& ctx) {
    if (ctx.text("api") == "opencl")
        throw UsageError(fmt::format("--api: gpu/{} runs on CUDA only (the OpenCL recipes are "
                                     "gpu/cl-device-info, gpu/cl-elementwise, gpu/cl-benchmark)",
                                     ctx.recipe().name));
}

DevicePick pick_device(std::optional<unsigned> given, std::optional<std::string_view> local_rank,
                       unsigned count) {
    if (given)
        return {*given, false};
    if (!local_rank || count == 0)
        return {};
    unsigned long long rank = 0;
    const char* end = local_rank->data() + local_rank->size();
    const auto [stop, error] = std::from_chars(local_rank->data(), end, rank);
    if (local_rank->empty() || error != std::errc() || stop != end)
        return {};
    return {static_cast<unsigned>(rank % count), true};
}

unsigned device_index(Context& ctx, std::string_view api) {
    if (ctx.given("device"))
        return pick_device(static_cast<unsigned>(ctx.integer("device")), std::nullopt, 0).index;
    for (const char* variable :
         {"MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID"}) {
        const char* rank = std::getenv(variable);
        if (!rank)
            continue;
        const unsigned count = api == "cuda"
                                   ? static_cast<unsigned>(std::max(0, cuda_device_count()))
                                   : opencl_device_count();
        if (count == 0)
            return 0; // opening the device says why there is none
        const DevicePick pick = pick_device(std::nullopt, rank, count);
        ctx.say("host", pick.from_local_rank
                            ? fmt::format("device {}: node-local rank {}={} modulo {} {} device(s)",
                                          pick.index, variable, rank, count, api)
                            : fmt::format("device 0: {}={} ignored (not a rank)", variable, rank));
        return pick.index;
    }
    return 0;
}

} // namespace parcook::gpu
