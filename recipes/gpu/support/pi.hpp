// gpu/pi's one interface over its GPU APIs (as vector-sum.hpp): pi.cpp is the recipe, pi-cuda.cu
// and pi-opencl.cpp the kernels and host programs. Both draw sample k from the shared generator
// at (seed, 2k) and (seed, 2k + 1) and round x*x + y*y without contraction, so the hit count is
// the one every group finds.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace parcook::gpu {

class PiDevice {
public:
    virtual ~PiDevice() = default;
    // One pass: count the hits of samples [0, n) with `seed` on the device, copy the count out.
    virtual GpuPass pass(std::uint64_t seed, std::uint64_t n, std::uint64_t& hits) = 0;

    std::string name;                      // the device, as the API names it
    std::uint64_t threads = 0, groups = 0; // the launch
};

// Both throw CannotRun without the API, its driver or a device, UsageError for a bad --device.
std::unique_ptr<PiDevice> open_pi_cuda(unsigned device, std::uint64_t n);
std::unique_ptr<PiDevice> open_pi_opencl(unsigned device, std::uint64_t n);

} // namespace parcook::gpu
