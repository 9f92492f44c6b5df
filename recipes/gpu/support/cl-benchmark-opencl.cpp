// gpu/cl-benchmark --api opencl: the book's GPU test in the OpenCL C++ bindings (the recipe is
// cl-benchmark.cpp): a queue with profiling enabled, so the kernel's own time comes from its
// event (end - start) and the total from the first write's start to the read's end.
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/opencl.hpp"

namespace parcook::gpu {
namespace {

// The book's kernel `sum` with a bounds check and the repetition count as an argument; volatile
// keeps every repetition a load, an add and a store.
constexpr const char* kernel_source = R"CL(
__kernel void sum(__global const volatile float *a, __global const volatile float *b,
                  __global volatile float *c, const uint n, const uint iterations) {
    const size_t i = get_global_id(0);
    if (i < n)
        for (uint loop = 0; loop < iterations; ++loop)
            c[i] = a[i] + b[i];
}
)CL";

class OpenClBenchmark final : public BenchmarkDevice {
public:
    OpenClBenchmark(const cl::Device& device, std::uint64_t n)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          kernel_(opencl::build_program(context_, device, kernel_source), "sum"),
          a_(context_, CL_MEM_READ_ONLY, n), b_(context_, CL_MEM_READ_ONLY, n),
          c_(context_, CL_MEM_WRITE_ONLY, n) {
        local_ =
            std::min<std::size_t>(256, kernel_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device));
        kernel_.setArg(0, a_.get());
        kernel_.setArg(1, b_.get());
        kernel_.setArg(2, c_.get());
        kernel_.setArg(3, static_cast<cl_uint>(n));
        name = opencl::device_name(device);
    }

    BenchmarkTimes run(std::span<const float> a, std::span<const float> b, std::span<float> c,
                       std::uint32_t iterations) override {
        kernel_.setArg(4, cl_uint{iterations});
        cl::Event write, kernel, read;
        queue_.enqueueWriteBuffer(a_.get(), CL_FALSE, 0, a_.bytes(), a.data(), nullptr, &write);
        queue_.enqueueWriteBuffer(b_.get(), CL_FALSE, 0, b_.bytes(), b.data());
        const std::size_t global = (c_.size() + local_ - 1) / local_ * local_;
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(global),
                                    cl::NDRange(local_), nullptr, &kernel);
        queue_.enqueueReadBuffer(c_.get(), CL_TRUE, 0, c_.bytes(), c.data(), nullptr, &read);
        return {opencl::seconds_between(kernel, kernel), opencl::seconds_between(write, read)};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Kernel kernel_;
    opencl::Buffer<float> a_, b_, c_;
    std::size_t local_ = 1;
};

} // namespace

std::unique_ptr<BenchmarkDevice> open_opencl_benchmark(unsigned device, std::uint64_t n) {
    const cl::Device d = opencl::choose_device(device);
    opencl::require_memory(d, n * sizeof(float), 3, "--n: three vectors");
    return std::make_unique<OpenClBenchmark>(d, n);
}

} // namespace parcook::gpu
