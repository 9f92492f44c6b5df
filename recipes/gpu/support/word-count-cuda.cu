// gpu/word-count --api cuda: a grid-stride histogram of word ids with atomicAdd in global memory
// (the recipe is word-count.cpp). A pass copies the ids in and the counts out.
#include "gpu/support/cuda.hpp"
#include "gpu/support/word-count.hpp"

namespace parcook::gpu {
namespace {

constexpr unsigned block = 256;

__global__ void histogram(const std::uint32_t* ids, std::uint64_t n, unsigned* counts) {
    const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
    for (std::uint64_t i = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x; i < n; i += stride)
        atomicAdd(&counts[ids[i]], 1u);
}

class CudaWordCount final : public WordCountDevice {
public:
    CudaWordCount(const cuda::Device& device, const WordIds& text)
        : n_(text.ids.size()), ids_(n_ ? n_ : 1), host_ids_(n_ ? n_ : 1),
          counts_(text.words.size() ? text.words.size() : 1), blocks_(device.grid(n_, block)) {
        std::copy(text.ids.begin(), text.ids.end(), host_ids_.get());
        name = device.name;
        groups = blocks_;
        threads = std::uint64_t{blocks_} * block;
    }

    GpuPass pass(std::vector<std::uint32_t>& counts) override {
        clock_.start.record();
        PARCOOK_CUDA_CHECK(cudaMemcpyAsync(ids_.get(), host_ids_.get(), n_ * sizeof(std::uint32_t),
                                           cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(cudaMemsetAsync(counts_.get(), 0, counts_.bytes()));
        clock_.kernel_start.record();
        histogram<<<blocks_, block>>>(ids_.get(), n_, counts_.get());
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        counts.resize(counts_.size());
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(counts.data(), counts_.get(), counts_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        return clock_.times();
    }

private:
    std::uint64_t n_;
    cuda::DeviceBuffer<std::uint32_t> ids_;
    cuda::HostBuffer<std::uint32_t> host_ids_;
    cuda::DeviceBuffer<unsigned> counts_;
    unsigned blocks_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<WordCountDevice> open_word_count_cuda(unsigned device, const WordIds& text) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(text.ids.size() * 4 + text.words.size() * 4, "--n: the word ids");
    return std::make_unique<CudaWordCount>(d, text);
}

} // namespace parcook::gpu
