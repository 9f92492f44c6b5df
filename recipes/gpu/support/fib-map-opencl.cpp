// gpu/fib-map --api opencl: one work-item per leaf of the frontier (the recipe is fib-map.cpp).
// OpenCL C forbids recursion, so each work-item runs the same naive recursion on an explicit
// stack of pending arguments (the same calls, the same exponential work); the host adds the
// leaves' values per task.
#include "gpu/support/fib-map.hpp"
#include "gpu/support/opencl.hpp"

namespace parcook::gpu {
namespace {

constexpr const char* kernel_source = R"CL(
__kernel void evaluate_leaves(__global const uint* m, const ulong leaves, __global ulong* value) {
    const size_t j = get_global_id(0);
    if (j >= leaves)
        return;
    uint pending[64]; // fib(k) for k <= 50 never holds more than k entries
    int top = 0;
    ulong sum = 0;
    pending[top++] = m[j];
    while (top > 0) {
        const uint k = pending[--top];
        if (k <= 2) {
            sum += 1;
        } else {
            pending[top++] = k - 1;
            pending[top++] = k - 2;
        }
    }
    value[j] = sum;
}
)CL";

class OpenClFib final : public FibDevice {
public:
    OpenClFib(const cl::Device& device, const FibFrontier& f)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          kernel_(opencl::build_program(context_, device, kernel_source), "evaluate_leaves"),
          m_(context_, CL_MEM_READ_ONLY, f.m.size()),
          value_(context_, CL_MEM_WRITE_ONLY, f.m.size()), task_(f.task), host_value_(f.m.size()) {
        queue_.enqueueWriteBuffer(m_.get(), CL_TRUE, 0, m_.bytes(), f.m.data());
        kernel_.setArg(0, m_.get());
        kernel_.setArg(1, static_cast<cl_ulong>(f.m.size()));
        kernel_.setArg(2, value_.get());
        name = opencl::device_name(device);
        threads = f.m.size();
    }

    GpuPass pass(std::vector<std::uint64_t>& values) override {
        cl::Event kernel, read;
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(threads), cl::NullRange,
                                    nullptr, &kernel);
        queue_.enqueueReadBuffer(value_.get(), CL_TRUE, 0, value_.bytes(), host_value_.data(),
                                 nullptr, &read);
        std::fill(values.begin(), values.end(), 0);
        for (std::size_t j = 0; j < host_value_.size(); ++j)
            values[task_[j]] += host_value_[j];
        const double k = opencl::seconds_between(kernel, kernel);
        const double end_to_end = opencl::seconds_between(kernel, read);
        return {k, end_to_end - k, end_to_end};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Kernel kernel_;
    opencl::Buffer<cl_uint> m_;
    opencl::Buffer<cl_ulong> value_;
    std::vector<std::uint32_t> task_;
    std::vector<cl_ulong> host_value_;
};

} // namespace

std::unique_ptr<FibDevice> open_fib_opencl(unsigned device, const FibFrontier& frontier,
                                           std::size_t) {
    return std::make_unique<OpenClFib>(opencl::choose_device(device), frontier);
}

} // namespace parcook::gpu
