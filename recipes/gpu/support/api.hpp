// Which GPU API a gpu recipe runs: --api, an option of the whole group (cuda by default there).
#pragma once
#include "parcook/context.hpp"

namespace parcook::gpu {

// For a recipe that exists in OpenCL only (the PyOpenCL recipes, whose --api default is opencl):
// --api cuda is a usage error rather than a silent OpenCL run.
inline void require_opencl_api(const Context& ctx) {
    if (ctx.text("api") != "opencl")
        throw UsageError("--api: " + ctx.recipe().id() +
                         " is an OpenCL recipe (only --api opencl)");
}

} // namespace parcook::gpu
