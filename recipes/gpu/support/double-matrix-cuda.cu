// gpu/double-matrix's kernels and host program (the recipe is double-matrix.cpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/double-matrix.hpp"
#include "gpu/support/nvrtc.hpp"

namespace parcook::gpu {
namespace {

// idx = row * width + col over a 2-D grid of 16 x 16 blocks, with a bounds check.
__global__ void double_matrix(float* a, unsigned n) {
    const unsigned col = blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row < n && col < n)
        a[std::size_t{row} * n + col] *= 2;
}

// The book's kernel as printed: a row stride of 4 in a 5 x 5 block. Threads (4, 0) and (0, 1)
// both update element 4 (a race: it may end doubled once or twice), and 21..24 are never touched.
__global__ void double_matrix_book(float* a) {
    const int idx = threadIdx.x + threadIdx.y * 4;
    a[idx] *= 2;
}

class CudaDoubleMatrix final : public DoubleMatrixDevice {
public:
    CudaDoubleMatrix(const cuda::Device& device, unsigned n, bool book_bug, const std::string& ptx)
        : n_(n), book_bug_(book_bug), a_(std::size_t{n} * n) {
        if (!ptx.empty())
            jit_ =
                load_kernel(ptx, book_bug ? "double_matrix_book" : "double_matrix", load_seconds);
        name = device.name;
        copy_gbs = device.copy_gbs;
    }

    GpuPass pass(const float* in, float* out) override {
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(a_.get(), in, a_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        const dim3 block = book_bug_ ? dim3(5, 5) : dim3(16, 16);
        const dim3 grid = book_bug_ ? dim3(1) : dim3((n_ + 15) / 16, (n_ + 15) / 16);
        if (jit_) {
            float* a = a_.get();
            void* args[] = {&a, &n_};
            PARCOOK_CUDA_CHECK(cudaLaunchKernel(reinterpret_cast<const void*>(jit_), grid, block,
                                                args, 0, nullptr));
        } else if (book_bug_) {
            double_matrix_book<<<grid, block>>>(a_.get());
        } else {
            double_matrix<<<grid, block>>>(a_.get(), n_);
        }
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(out, a_.get(), a_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    unsigned n_;
    bool book_bug_;
    cuda::DeviceBuffer<float> a_;
    cudaKernel_t jit_ = nullptr;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<DoubleMatrixDevice> open_double_matrix(unsigned device, unsigned n, bool book_bug,
                                                       const std::string& ptx) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(std::uint64_t{n} * n * sizeof(float), "--n: the matrix");
    return std::make_unique<CudaDoubleMatrix>(d, n, book_bug, ptx);
}

} // namespace parcook::gpu
