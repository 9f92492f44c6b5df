// gpu/matmul's kernels and host program (the recipe is matmul.cpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/matmul.hpp"

namespace parcook::gpu {
namespace {

constexpr unsigned tile = 16;

// The book's MatrixMulKernel for any n: one thread per element of c, a 2-D grid of 16 x 16
// blocks, every operand read from global memory (n reads of a row and a column per element).
__global__ void matmul_naive(const float* a, const float* b, float* c, unsigned n) {
    const unsigned row = blockIdx.y * blockDim.y + threadIdx.y;
    const unsigned col = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= n || col >= n)
        return;
    float sum = 0;
    for (unsigned k = 0; k < n; ++k)
        sum += a[std::size_t{row} * n + k] * b[std::size_t{k} * n + col];
    c[std::size_t{row} * n + col] = sum;
}

// The tiling the book's text describes: each block loads a 16 x 16 tile of a and of b into
// shared memory (zeros past the edge), synchronizes, accumulates from the tiles, synchronizes
// before the next pair; global memory is read n/16 times less often.
__global__ void matmul_tiled(const float* a, const float* b, float* c, unsigned n) {
    __shared__ float ta[tile][tile], tb[tile][tile + 1]; // +1: no bank conflicts on columns
    const unsigned row = blockIdx.y * tile + threadIdx.y;
    const unsigned col = blockIdx.x * tile + threadIdx.x;
    float sum = 0;
    for (unsigned t = 0; t < n; t += tile) {
        const unsigned ka = t + threadIdx.x, kb = t + threadIdx.y;
        ta[threadIdx.y][threadIdx.x] = row < n && ka < n ? a[std::size_t{row} * n + ka] : 0.0f;
        tb[threadIdx.y][threadIdx.x] = kb < n && col < n ? b[std::size_t{kb} * n + col] : 0.0f;
        __syncthreads();
        for (unsigned k = 0; k < tile; ++k)
            sum += ta[threadIdx.y][k] * tb[k][threadIdx.x];
        __syncthreads();
    }
    if (row < n && col < n)
        c[std::size_t{row} * n + col] = sum;
}

class CudaMatmul final : public MatmulDevice {
public:
    CudaMatmul(const cuda::Device& device, unsigned n)
        : n_(n), a_(std::size_t{n} * n), b_(a_.size()), c_(a_.size()) {
        name = device.name;
        copy_gbs = device.copy_gbs;
    }

    GpuPass pass(MatmulKernel kernel, const float* a, const float* b, float* c) override {
        PARCOOK_CUDA_CHECK(cudaMemset(c_.get(), 0xff, c_.bytes())); // NaN: unwritten shows
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(a_.get(), a, a_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(b_.get(), b, b_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        const dim3 block(tile, tile), grid((n_ + tile - 1) / tile, (n_ + tile - 1) / tile);
        if (kernel == MatmulKernel::naive)
            matmul_naive<<<grid, block>>>(a_.get(), b_.get(), c_.get(), n_);
        else
            matmul_tiled<<<grid, block>>>(a_.get(), b_.get(), c_.get(), n_);
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(c, c_.get(), c_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    unsigned n_;
    cuda::DeviceBuffer<float> a_, b_, c_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<MatmulDevice> open_matmul(unsigned device, unsigned n) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3ull * n * n * sizeof(float), "--n: three matrices");
    return std::make_unique<CudaMatmul>(d, n);
}

} // namespace parcook::gpu
