// gpu/double-matrix's kernels (double-matrix-cuda.cu) behind a plain C++ interface: every element
// of an n x n float32 matrix doubled in place on the device.
#pragma once
#include "gpu/support/record.hpp"

#include <memory>
#include <string>

namespace parcook::gpu {

class DoubleMatrixDevice {
public:
    virtual ~DoubleMatrixDevice() = default;
    // One pass of the five steps (the buffer is allocated at opening): copy in, launch, copy out.
    virtual GpuPass pass(const float* in, float* out) = 0;

    std::string name;
    double copy_gbs = 0;
    double load_seconds = 0; // loading the PTX, with --jit
};

// book_bug: the book's kernel (idx = threadIdx.x + 4 threadIdx.y, one 5 x 5 block; n must be 5).
// ptx: empty for the kernels nvcc built, else PTX holding the same two kernels compiled at run
// time (extern "C" double_matrix(float*, unsigned) and double_matrix_book(float*)).
std::unique_ptr<DoubleMatrixDevice> open_double_matrix(unsigned device, unsigned n, bool book_bug,
                                                       const std::string& ptx);

} // namespace parcook::gpu
