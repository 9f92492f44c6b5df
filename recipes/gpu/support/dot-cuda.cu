// gpu/dot --api cuda: the reductions and host program (the recipe is dot.cpp): the map x[i] * y[i]
// fused with the reduce a + b, in uint64 (wrapping, as the CPU's reference).
#include "gpu/support/cuda.hpp"
#include "gpu/support/dot.hpp"

#include <cub/device/device_reduce.cuh>
#include <thrust/device_ptr.h>
#include <thrust/execution_policy.h>
#include <thrust/inner_product.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

namespace parcook::gpu {
namespace {

constexpr unsigned block = 256;

struct Product {
    const std::uint64_t *x, *y;
    __host__ __device__ std::uint64_t operator()(std::uint64_t i) const { return x[i] * y[i]; }
};

// Stage one of the teaching kernel: each block reduces a grid-stride share to one partial sum
// (a tree in shared memory); stage two is the same kernel over the partials with one block.
__global__ void reduce_products(const std::uint64_t* x, const std::uint64_t* y, std::uint64_t n,
                                std::uint64_t* partial) {
    __shared__ std::uint64_t sums[block];
    std::uint64_t mine = 0;
    const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
    for (std::uint64_t i = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x; i < n; i += stride)
        mine += y ? x[i] * y[i] : x[i]; // y == nullptr: stage two, plain sum
    sums[threadIdx.x] = mine;
    __syncthreads();
    for (unsigned half = block / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            sums[threadIdx.x] += sums[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        partial[blockIdx.x] = sums[0];
}

class CudaDot final : public DotDevice {
public:
    CudaDot(const cuda::Device& device, std::uint64_t n, DotImpl impl)
        : n_(n), impl_(impl), x_(n), y_(n), blocks_(device.grid(n, block)), partial_(blocks_),
          sum_(1), host_sum_(1) {
        const Product map{x_.get(), y_.get()};
        auto products =
            thrust::make_transform_iterator(thrust::counting_iterator<std::uint64_t>(0), map);
        PARCOOK_CUDA_CHECK(
            cub::DeviceReduce::Sum(nullptr, scratch_bytes_, products, sum_.get(), n_));
        scratch_ =
            std::make_unique<cuda::DeviceBuffer<char>>(std::max<std::size_t>(1, scratch_bytes_));
        name = device.name;
        copy_gbs = device.copy_gbs;
    }

    GpuPass pass(const std::uint64_t* x, const std::uint64_t* y, std::uint64_t& sum) override {
        PARCOOK_CUDA_CHECK(cudaMemset(sum_.get(), 0xff, sum_.bytes()));
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(x_.get(), x, x_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(y_.get(), y, y_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        if (impl_ == DotImpl::thrust) {
            const thrust::device_ptr<const std::uint64_t> xs(x_.get()), ys(y_.get());
            const std::uint64_t s =
                thrust::inner_product(thrust::device, xs, xs + n_, ys, std::uint64_t{0});
            PARCOOK_CUDA_CHECK(cudaMemcpy(sum_.get(), &s, sizeof s, cudaMemcpyHostToDevice));
        } else if (impl_ == DotImpl::cub) {
            auto products = thrust::make_transform_iterator(
                thrust::counting_iterator<std::uint64_t>(0), Product{x_.get(), y_.get()});
            PARCOOK_CUDA_CHECK(
                cub::DeviceReduce::Sum(scratch_->get(), scratch_bytes_, products, sum_.get(), n_));
        } else {
            reduce_products<<<blocks_, block>>>(x_.get(), y_.get(), n_, partial_.get());
            PARCOOK_CUDA_CHECK(cudaGetLastError());
            reduce_products<<<1, block>>>(partial_.get(), nullptr, blocks_, sum_.get());
            PARCOOK_CUDA_CHECK(cudaGetLastError());
        }
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(host_sum_.get(), sum_.get(), sum_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        const GpuPass times = clock_.times();
        sum = host_sum_.get()[0];
        return times;
    }

private:
    std::uint64_t n_;
    DotImpl impl_;
    cuda::DeviceBuffer<std::uint64_t> x_, y_;
    unsigned blocks_;
    cuda::DeviceBuffer<std::uint64_t> partial_, sum_;
    cuda::HostBuffer<std::uint64_t> host_sum_;
    std::size_t scratch_bytes_ = 0;
    std::unique_ptr<cuda::DeviceBuffer<char>> scratch_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<DotDevice> open_dot_cuda(unsigned device, std::uint64_t n, DotImpl impl) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(2 * n * sizeof(std::uint64_t), "--n: two vectors");
    return std::make_unique<CudaDot>(d, n, impl);
}

} // namespace parcook::gpu
