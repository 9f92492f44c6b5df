// gpu/vector-sum --api opencl: the book's PyOpenCL host program in the OpenCL C++ bindings (the
// recipe is vector-sum.cpp). The five host structures are all here: device, context, command
// queue (with profiling, for the kernel's own time), program (built from source at run time, as
// cl.Program does) and kernel.
#include "gpu/support/opencl.hpp"
#include "gpu/support/vector-sum.hpp"

#include <algorithm>
#include <memory>

namespace parcook::gpu {
namespace {

// The book's kernel with two fixes: the bounds check it lacks (the global size is rounded up to
// whole work-groups) and the --op coefficients (1 and 1 for the book's a + b). One element per
// work-item: PoCL vectorizes across work-items, a GPU coalesces neighbouring ones.
constexpr const char* kernel_source = R"CL(
__kernel void vectorSum(__global const int *a_g, __global const int *b_g, __global int *res_g,
                        const ulong n, const int alpha, const int beta) {
    size_t gid = get_global_id(0);
    if (gid < n)
        res_g[gid] = alpha * a_g[gid] + beta * b_g[gid];
}
)CL";

class OpenClVectorSum final : public VectorSumDevice {
public:
    OpenClVectorSum(const cl::Device& device, workload::VectorOp op, std::uint64_t n)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          kernel_(opencl::build_program(context_, device, kernel_source), "vectorSum"),
          a_buf_(context_, CL_MEM_READ_ONLY, n), b_buf_(context_, CL_MEM_READ_ONLY, n),
          c_buf_(context_, CL_MEM_WRITE_ONLY, n),
          host_a_(std::make_unique_for_overwrite<std::int32_t[]>(n)),
          host_b_(std::make_unique_for_overwrite<std::int32_t[]>(n)),
          host_c_(std::make_unique_for_overwrite<std::int32_t[]>(n)) {
        kernel_.setArg(0, a_buf_.get());
        kernel_.setArg(1, b_buf_.get());
        kernel_.setArg(2, c_buf_.get());
        kernel_.setArg(3, static_cast<cl_ulong>(n));
        kernel_.setArg(4, static_cast<cl_int>(op.alpha));
        kernel_.setArg(5, static_cast<cl_int>(op.beta));
        local_ =
            std::min<std::size_t>(256, kernel_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device));
        groups = (n + local_ - 1) / local_;
        threads = groups * local_;
        a = host_a_.get();
        b = host_b_.get();
        c = host_c_.get();
        name = opencl::device_name(device);
    }

    PassTimes pass() override {
        cl::Event write_a, write_b, kernel, read;
        queue_.enqueueWriteBuffer(a_buf_.get(), CL_FALSE, 0, a_buf_.bytes(), a, nullptr, &write_a);
        queue_.enqueueWriteBuffer(b_buf_.get(), CL_FALSE, 0, b_buf_.bytes(), b, nullptr, &write_b);
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(threads),
                                    cl::NDRange(local_), nullptr, &kernel);
        queue_.enqueueReadBuffer(c_buf_.get(), CL_TRUE, 0, c_buf_.bytes(), c, nullptr, &read);
        return {opencl::seconds_between(kernel, kernel), opencl::seconds_between(write_a, read)};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Kernel kernel_;
    opencl::Buffer<std::int32_t> a_buf_, b_buf_, c_buf_;
    std::size_t local_ = 1;
    std::unique_ptr<std::int32_t[]> host_a_, host_b_, host_c_;
};

} // namespace

std::unique_ptr<VectorSumDevice> open_opencl(unsigned device, workload::VectorOp op,
                                             std::uint64_t n) {
    const cl::Device d = opencl::choose_device(device);
    opencl::require_memory(d, n * sizeof(std::int32_t), 3, "--n: three vectors");
    return std::make_unique<OpenClVectorSum>(d, op, n);
}

} // namespace parcook::gpu
