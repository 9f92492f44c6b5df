// Which GPU API a gpu recipe runs: --api, an option of the whole group. `auto` (the default) is
// CUDA where this machine has a CUDA GPU and OpenCL elsewhere (PoCL runs it on the CPU), so a
// bare `parcook gpu pi` and `parcook tour` run on every machine.
#pragma once
#include "parcook/context.hpp"

#include <string>

namespace parcook::gpu {

// "cuda" or "opencl": --api as given, or what auto chose on this machine.
std::string api(const Context& ctx);

// For a recipe that exists in OpenCL only (the PyOpenCL recipes): --api cuda is a usage error
// rather than a silent OpenCL run.
void require_opencl_api(const Context& ctx);
// For a recipe that exists in CUDA only: --api opencl is a usage error; auto means CUDA (and
// exit 77 where there is no CUDA GPU).
void require_cuda_api(const Context& ctx);

} // namespace parcook::gpu
