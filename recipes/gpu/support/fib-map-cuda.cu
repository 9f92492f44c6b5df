// gpu/fib-map --api cuda: one thread per leaf of the frontier, the naive recursion on the device
// (CUDA allows recursion; the stack is raised for the deepest leaf), and an atomicAdd of the
// leaf's value into its task's sum (the recipe is fib-map.cpp).
#include "gpu/support/cuda.hpp"
#include "gpu/support/fib-map.hpp"

namespace parcook::gpu {
namespace {

constexpr unsigned block = 128;

__device__ unsigned long long fib(unsigned k) {
    return k <= 2 ? 1 : fib(k - 1) + fib(k - 2);
}

__global__ void evaluate_leaves(const std::uint32_t* m, const std::uint32_t* task,
                                std::uint64_t leaves, unsigned long long* values) {
    const std::uint64_t j = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
    if (j < leaves)
        atomicAdd(&values[task[j]], fib(m[j]));
}

class CudaFib final : public FibDevice {
public:
    CudaFib(const cuda::Device& device, const FibFrontier& f, std::size_t tasks)
        : leaves_(f.m.size()), m_(leaves_), task_(leaves_), values_(tasks) {
        // a frame per level of the deepest leaf's recursion (up to 50), generously sized
        PARCOOK_CUDA_CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 4096));
        PARCOOK_CUDA_CHECK(cudaMemcpy(m_.get(), f.m.data(), m_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(
            cudaMemcpy(task_.get(), f.task.data(), task_.bytes(), cudaMemcpyHostToDevice));
        name = device.name;
        threads = leaves_;
    }

    GpuPass pass(std::vector<std::uint64_t>& values) override {
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemsetAsync(values_.get(), 0, values_.bytes()));
        clock_.kernel_start.record();
        const auto blocks = static_cast<unsigned>((leaves_ + block - 1) / block);
        evaluate_leaves<<<blocks, block>>>(m_.get(), task_.get(), leaves_, values_.get());
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        values.resize(values_.size());
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(values.data(), values_.get(), values_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    std::uint64_t leaves_;
    cuda::DeviceBuffer<std::uint32_t> m_, task_;
    cuda::DeviceBuffer<unsigned long long> values_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<FibDevice> open_fib_cuda(unsigned device, const FibFrontier& frontier,
                                         std::size_t tasks) {
    return std::make_unique<CudaFib>(cuda::open_device(device), frontier, tasks);
}

} // namespace parcook::gpu
