// gpu/matmul's kernels (matmul-cuda.cu) behind a plain C++ interface: C = A B for n x n float32
// matrices in row-major order, by the naive kernel (one thread per element of C, all operands
// from global memory) or the tiled one (16 x 16 tiles of A and B staged in shared memory).
#pragma once
#include "gpu/support/record.hpp"

#include <memory>
#include <string>

namespace parcook::gpu {

enum class MatmulKernel { naive, tiled };

class MatmulDevice {
public:
    virtual ~MatmulDevice() = default;
    // One pass: copy a and b in, run `kernel`, copy c out.
    virtual GpuPass pass(MatmulKernel kernel, const float* a, const float* b, float* c) = 0;

    std::string name;
    double copy_gbs = 0; // the device's measured copy bandwidth
};

std::unique_ptr<MatmulDevice> open_matmul(unsigned device, unsigned n);

} // namespace parcook::gpu
