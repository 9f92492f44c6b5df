// gpu/dot's reductions (dot-cuda.cu) behind a plain C++ interface: sum over i of x[i] * y[i] for
// uint64 vectors on the device, by Thrust, by CUB or by a hand-written two-stage kernel.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace parcook::gpu {

enum class DotImpl { thrust, cub, kernel };

class DotDevice {
public:
    virtual ~DotDevice() = default;
    // One pass: copy x and y in, reduce on the device, copy the scalar out (into `sum`).
    virtual GpuPass pass(DotImpl impl, const std::uint64_t* x, const std::uint64_t* y,
                         std::uint64_t& sum) = 0;

    std::string name;
    double copy_gbs = 0;
};

std::unique_ptr<DotDevice> open_dot(unsigned device, std::uint64_t n);

} // namespace parcook::gpu
