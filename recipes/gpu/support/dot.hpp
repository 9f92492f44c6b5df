// gpu/dot's one interface over its GPU APIs (as vector-sum.hpp): dot.cpp is the recipe,
// dot-cuda.cu (Thrust, CUB or a hand-written two-stage kernel) and dot-opencl.cpp (the two-stage
// kernel in OpenCL C) the reductions and host programs: sum over i of x[i] * y[i] for uint64
// vectors on the device, wrapping modulo 2^64.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace parcook::gpu {

// How the CUDA back-end reduces; OpenCL has the kernel only.
enum class DotImpl { thrust, cub, kernel };

class DotDevice {
public:
    virtual ~DotDevice() = default;
    // One pass: copy x and y in, reduce on the device, copy the scalar out (into `sum`).
    virtual GpuPass pass(const std::uint64_t* x, const std::uint64_t* y, std::uint64_t& sum) = 0;

    std::string name;               // the device, as the API names it
    std::optional<double> copy_gbs; // CUDA: the measured device-to-device copy bandwidth
};

// Both throw CannotRun without the API, its driver or a device, UsageError for a bad --device or
// an --n the device cannot hold.
std::unique_ptr<DotDevice> open_dot_cuda(unsigned device, std::uint64_t n, DotImpl impl);
std::unique_ptr<DotDevice> open_dot_opencl(unsigned device, std::uint64_t n);

} // namespace parcook::gpu
