// gpu/gufunc-matmul's kernel and host program (the recipe is gufunc-matmul.cpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/gufunc-matmul.hpp"

namespace parcook::gpu {
namespace {

constexpr unsigned block = 256;

// Thread t owns element (k, i, j) of the batch: the core signature's triple loop, with its two
// outer loops spread over threads and the batch dimension over the grid.
__global__ void batched_matmul(const std::int64_t* a, const std::int64_t* b, std::int64_t* c,
                               unsigned dim, std::uint64_t elements) {
    const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
    if (t >= elements)
        return;
    const std::uint64_t per = std::uint64_t{dim} * dim, k = t / per;
    const unsigned i = static_cast<unsigned>(t % per / dim), j = static_cast<unsigned>(t % dim);
    const std::int64_t* ak = a + k * per + std::uint64_t{i} * dim;
    const std::int64_t* bk = b + k * per + j;
    std::int64_t sum = 0;
    for (unsigned l = 0; l < dim; ++l)
        sum += ak[l] * bk[std::uint64_t{l} * dim];
    c[t] = sum;
}

class CudaGufunc final : public GufuncDevice {
public:
    CudaGufunc(const cuda::Device& device, unsigned dim, unsigned batch)
        : dim_(dim), elements_(std::uint64_t{dim} * dim * batch), a_(elements_), b_(elements_),
          c_(elements_) {
        name = device.name;
        copy_gbs = device.copy_gbs;
    }

    GpuPass pass(const std::int64_t* a, const std::int64_t* b, std::int64_t* c) override {
        PARCOOK_CUDA_CHECK(cudaMemset(c_.get(), 0xff, c_.bytes()));
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(a_.get(), a, a_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(b_.get(), b, b_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        const auto blocks = static_cast<unsigned>((elements_ + block - 1) / block);
        batched_matmul<<<blocks, block>>>(a_.get(), b_.get(), c_.get(), dim_, elements_);
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(c, c_.get(), c_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    unsigned dim_;
    std::uint64_t elements_;
    cuda::DeviceBuffer<std::int64_t> a_, b_, c_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<GufuncDevice> open_gufunc_matmul(unsigned device, unsigned dim, unsigned batch) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3ull * dim * dim * batch * sizeof(std::int64_t), "--dim x --batch");
    return std::make_unique<CudaGufunc>(d, dim, batch);
}

} // namespace parcook::gpu
