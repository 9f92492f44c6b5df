// gpu/vector-sum --api cuda: the grid-stride kernel and the CUDA host program around it (the
// recipe is vector-sum.cpp). A pass is the book's host program: copy a and b in, launch, copy c
// out, with events around the kernel and around the whole pass.
#include "gpu/support/cuda.hpp"
#include "gpu/support/vector-sum.hpp"

namespace parcook::gpu {
namespace {

// c = op(a, b). Grid-stride: thread t handles items t, t + stride, ..., so any grid covers any n.
// An item is four elements moved as one 16-byte int4 (cudaMalloc aligns to 256 bytes): a quarter
// of the load and store instructions; the last n % 4 elements go one by one.
__global__ void vector_sum(workload::VectorOp op, const std::int32_t* __restrict__ a,
                           const std::int32_t* __restrict__ b, std::int32_t* __restrict__ c,
                           std::uint64_t n) {
    const std::uint64_t first = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
    const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
    const auto* a4 = reinterpret_cast<const int4*>(a);
    const auto* b4 = reinterpret_cast<const int4*>(b);
    auto* c4 = reinterpret_cast<int4*>(c);
    for (std::uint64_t i = first; i < n / 4; i += stride) {
        const int4 x = a4[i], y = b4[i];
        c4[i] = make_int4(op(x.x, y.x), op(x.y, y.y), op(x.z, y.z), op(x.w, y.w));
    }
    for (std::uint64_t i = n / 4 * 4 + first; i < n; i += stride)
        c[i] = op(a[i], b[i]);
}

class CudaVectorSum final : public VectorSumDevice {
public:
    CudaVectorSum(const cuda::Device& device, workload::VectorOp op, std::uint64_t n)
        : op_(op), n_(n), dev_a_(n), dev_b_(n), dev_c_(n), host_a_(n), host_b_(n), host_c_(n),
          blocks_(device.grid(n / 4, block)) {
        // Poison c: a + b is never negative, so an element the kernel missed shows as -1.
        PARCOOK_CUDA_CHECK(cudaMemset(dev_c_.get(), 0xff, dev_c_.bytes()));
        a = host_a_.get();
        b = host_b_.get();
        c = host_c_.get();
        name = device.name;
        peak_gbs = device.copy_gbs; // the ceiling this binary measures
        groups = blocks_;
        threads = std::uint64_t{blocks_} * block;
    }

    PassTimes pass() override {
        clock_.start.record();
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(dev_a_.get(), a, dev_a_.bytes(), cudaMemcpyHostToDevice));
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(dev_b_.get(), b, dev_b_.bytes(), cudaMemcpyHostToDevice));
        clock_.kernel_start.record();
        vector_sum<<<blocks_, block>>>(op_, dev_a_.get(), dev_b_.get(), dev_c_.get(), n_);
        PARCOOK_CUDA_CHECK(cudaGetLastError());
        clock_.kernel_stop.record();
        PARCOOK_CUDA_CHECK(
            cudaMemcpyAsync(c, dev_c_.get(), dev_c_.bytes(), cudaMemcpyDeviceToHost));
        clock_.stop.record();
        const GpuPass times = clock_.times();
        return {times.kernel, times.end_to_end};
    }

private:
    static constexpr unsigned block = 256;
    workload::VectorOp op_;
    std::uint64_t n_;
    cuda::DeviceBuffer<std::int32_t> dev_a_, dev_b_, dev_c_;
    cuda::HostBuffer<std::int32_t> host_a_, host_b_, host_c_;
    unsigned blocks_;
    cuda::PassClock clock_;
};

} // namespace

std::unique_ptr<VectorSumDevice> open_cuda(unsigned device, workload::VectorOp op,
                                           std::uint64_t n) {
    const cuda::Device d = cuda::open_device(device);
    d.require_memory(3 * n * sizeof(std::int32_t), "--n: three vectors");
    return std::make_unique<CudaVectorSum>(d, op, n);
}

} // namespace parcook::gpu
