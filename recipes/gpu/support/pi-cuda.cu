// gpu/pi --api cuda: a grid-stride kernel over the samples, a per-block tree reduction in shared
// memory and one atomicAdd per block (the recipe is pi.cpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/pi.hpp"
#include "parcook/generator.hpp"

namespace parcook::gpu {
namespace {

constexpr unsigned block = 256;

__global__ void count_hits(std::uint64_t seed, std::uint64_t n, unsigned long long* hits) {
    __shared__ unsigned long long partial[block];
    unsigned long long mine = 0;
    const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
    for (std::uint64_t k = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x; k < n;
         k += stride) {
        const double x = draw_unit(seed, 2 * k), y = draw_unit(seed, 2 * k + 1);
        // _rn: no fused multiply-add, so the sum rounds as on the host (workload::pi_hit)
        mine += __dadd_rn(__dmul_rn(x, x), __dmul_rn(y, y)) < 1.0;
    }
    partial[threadIdx.x] = mine;
    __syncthreads();
    for (unsigned half = block / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        atomicAdd(hits, partial[0]);
}

class CudaPi final : public PiDevice {
public:
    CudaPi(const cuda::Device& device, std::uint64_t n)
        : hits_(1), host_hits_(1), blocks_(device.grid(n, block)) {
        name = device.name;
        groups = blocks_;
        threads = std::uint64_t{blocks_} * block;
    }

    GpuPass pass(std::uint64_t seed, std::uint64_t n, std::uint64_t& hits) override {
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemsetAsync(hits_.get(), 0, hits_.bytes()));
        clock_.kernel_start.record();
        count_hits<<<blocks_, block>>>(seed, n, hits_.get());
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(host_hits_.get(), hits_.get(), hits_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        const GpuPass times = clock_.times();
        hits = host_hits_.get()[0];
        return times;
    }

private:
    cuda::DeviceBuffer<unsigned long long> hits_;
    cuda::HostBuffer<unsigned long long> host_hits_;
    unsigned blocks_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<PiDevice> open_pi_cuda(unsigned device, std::uint64_t n) {
    return std::make_unique<CudaPi>(cuda::open_device(device), n);
}

} // namespace parcook::gpu
