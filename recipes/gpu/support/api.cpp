#include "gpu/support/api.hpp"
#include "gpu/support/devices.hpp"

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

} // namespace parcook::gpu
