// gpu/cl-benchmark --api cuda: the same GPU test with CUDA (the recipe is cl-benchmark.cpp):
// events around the kernel alone and around the whole pass (copies in, kernel, copy out).
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/cuda.hpp"

namespace parcook::gpu {
namespace {

// The OpenCL kernel of cl-benchmark-opencl.cpp in CUDA: one thread per element, volatile so that
// every repetition is a load, an add and a store.
__global__ void sum(const volatile float* a, const volatile float* b, volatile float* c,
                    std::uint32_t n, std::uint32_t iterations) {
    const std::uint64_t i = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
    if (i < n)
        for (std::uint32_t loop = 0; loop < iterations; ++loop)
            c[i] = a[i] + b[i];
}

class CudaBenchmark final : public BenchmarkDevice {
public:
    CudaBenchmark(const cuda::Device& device, std::uint64_t n) : a_(n), b_(n), c_(n) {
        name = device.name;
    }

    BenchmarkTimes run(std::span<const float> a, std::span<const float> b, std::span<float> c,
                       std::uint32_t iterations) override {
        const auto n = static_cast<std::uint32_t>(c_.size());
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(a_.get(), a.data(), a_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(b_.get(), b.data(), b_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        sum<<<(n + block - 1) / block, block>>>(a_.get(), b_.get(), c_.get(), n, iterations);
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(c.data(), c_.get(), c_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        const GpuPass times = clock_.times();
        return {times.kernel, times.end_to_end};
    }

private:
    static constexpr unsigned block = 256;
    cuda::DeviceBuffer<float> a_, b_, c_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<BenchmarkDevice> open_cuda_benchmark(unsigned device, std::uint64_t n) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3 * n * sizeof(float), "--n: three vectors");
    return std::make_unique<CudaBenchmark>(d, n);
}

} // namespace parcook::gpu
