// gpu/gpuarray's device arithmetic (gpuarray-cuda.cu) behind a plain C++ interface.
#pragma once
#include "gpu/support/record.hpp"

#include <string>
#include <vector>

namespace parcook::gpu {

struct GpuArrayRun {
    GpuPass times;
    std::string name;
    double copy_gbs = 0;
    std::vector<float> doubled;     // (2 * a_gpu).get()
    std::vector<float> input_after; // a_gpu.get() afterwards: arithmetic made a new array
};

// to_gpu(input), 2 * it on the device (Thrust), both arrays copied back.
GpuArrayRun gpuarray_double(unsigned device, const std::vector<float>& input);

} // namespace parcook::gpu
