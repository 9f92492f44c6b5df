// Which GPU API a gpu recipe runs: --api, an option of the whole group. `auto` (the default) is
// CUDA where this machine has a CUDA GPU and OpenCL elsewhere (PoCL runs it on the CPU), so a
// bare `parcook gpu pi` and `parcook tour` run on every machine. And which device it opens:
// --device, or under an MPI launcher or Slurm the node-local rank's share of the node's devices.
#pragma once
#include "parcook/context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace parcook::gpu {

// "cuda" or "opencl": --api as given, or what auto chose on this machine.
std::string api(const Context& ctx);

// For a recipe that exists in OpenCL only (the PyOpenCL recipes): --api cuda is a usage error
// rather than a silent OpenCL run.
void require_opencl_api(const Context& ctx);
// For a recipe that exists in CUDA only: --api opencl is a usage error; auto means CUDA (and
// exit 77 where there is no CUDA GPU).
void require_cuda_api(const Context& ctx);

// The device a recipe on `api` ("cuda" or "opencl") opens: --device when given; else, in a
// process an MPI launcher or Slurm started, its node-local rank (the first of MPI_LOCALRANKID
// (MPICH Hydra), OMPI_COMM_WORLD_LOCAL_RANK (Open MPI), SLURM_LOCALID that is set) modulo the
// API's device count, so that the ranks on a node spread over its devices; else 0. Says on the
// trace which device the local rank gave, or that a malformed one was ignored.
unsigned device_index(Context& ctx, std::string_view api);

// device_index's rule: `given` when there; else `local_rank` (decimal digits) modulo `count`;
// else 0: no variable, a malformed rank or no device (a bad value is ignored, never an error).
struct DevicePick {
    unsigned index = 0;
    bool from_local_rank = false;
};
DevicePick pick_device(std::optional<unsigned> given, std::optional<std::string_view> local_rank,
                       unsigned count);

} // namespace parcook::gpu
