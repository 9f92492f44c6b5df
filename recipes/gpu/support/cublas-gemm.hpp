// gpu/cublas-gemm's library calls (cublas-gemm-cuda.cu) behind a plain C++ interface: cuBLAS
// GEMM on row-major host matrices, a cuFFT round trip and cuRAND uniforms.
#pragma once
#include "gpu/support/record.hpp"

#include <complex>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace parcook::gpu {

// How a row-major product reaches column-major cuBLAS: swap the operands (C^T = B^T A^T, no
// transposes, C comes back row-major), or the book's op(T) on both (C comes back column-major).
enum class GemmLayout { swapped, transposed };

template <class T>
class GemmDevice {
public:
    virtual ~GemmDevice() = default;
    // One pass: copy a and b in, d = a b by cuBLAS (d's old contents are overwritten: beta 0),
    // copy d out.
    virtual GpuPass pass(GemmLayout layout, const T* a, const T* b, T* d) = 0;

    std::string name;
    double copy_gbs = 0;
};

std::unique_ptr<GemmDevice<double>> open_dgemm(unsigned device, unsigned dim);
std::unique_ptr<GemmDevice<float>> open_sgemm(unsigned device, unsigned dim);

// cuFFT: the forward then inverse double-complex transform of x, divided by its length.
GpuPass fft_round_trip(unsigned device, std::vector<std::complex<double>>& x);
// cuRAND: `count` uniform doubles in (0, 1] from the default pseudo-random generator.
GpuPass uniforms(unsigned device, std::uint64_t seed, std::vector<double>& out);

} // namespace parcook::gpu
