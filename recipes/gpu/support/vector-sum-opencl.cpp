// gpu/vector-sum --api opencl: the book's PyOpenCL host program in the OpenCL C++ bindings. The
// five host structures are all here: device, context, command queue (with profiling, for the
// kernel's own time), program (built from source at run time, as cl.Program does) and kernel.
// On machines without a GPU it runs on PoCL, which executes OpenCL kernels on the CPU.
#include "gpu/support/vector-sum.hpp"

#include "parcook/errors.hpp"

#include <fmt/format.h>

#if PARCOOK_HAVE_OPENCL
#define CL_HPP_TARGET_OPENCL_VERSION 120
#define CL_HPP_MINIMUM_OPENCL_VERSION 120
#define CL_HPP_ENABLE_EXCEPTIONS
#include <CL/opencl.hpp>
#endif

namespace parcook::gpu {

#if PARCOOK_HAVE_OPENCL
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

// From the start of `first` to the end of `last`, on the device's profiling clock (ns).
double seconds_between(const cl::Event& first, const cl::Event& last) {
    const auto start = first.getProfilingInfo<CL_PROFILING_COMMAND_START>();
    const auto end = last.getProfilingInfo<CL_PROFILING_COMMAND_END>();
    return static_cast<double>(end - start) * 1e-9;
}

class OpenClVectorSum final : public VectorSumDevice {
public:
    OpenClVectorSum(const cl::Device& device, workload::VectorOp op, std::uint64_t n)
        : bytes_(n * sizeof(std::int32_t)), context_(device),
          queue_(context_, device, CL_QUEUE_PROFILING_ENABLE), program_(context_, kernel_source),
          a_buf_(context_, CL_MEM_READ_ONLY, bytes_), b_buf_(context_, CL_MEM_READ_ONLY, bytes_),
          c_buf_(context_, CL_MEM_WRITE_ONLY, bytes_),
          host_a_(std::make_unique_for_overwrite<std::int32_t[]>(n)),
          host_b_(std::make_unique_for_overwrite<std::int32_t[]>(n)),
          host_c_(std::make_unique_for_overwrite<std::int32_t[]>(n)) {
        try {
            program_.build({device});
        } catch (const cl::BuildError& e) {
            std::string log;
            for (const auto& [dev, text] : e.getBuildLog())
                log += text;
            throw std::runtime_error(fmt::format("OpenCL build failed: {}", log));
        }
        kernel_ = cl::Kernel(program_, "vectorSum");
        kernel_.setArg(0, a_buf_);
        kernel_.setArg(1, b_buf_);
        kernel_.setArg(2, c_buf_);
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
        name = cl::Platform(device.getInfo<CL_DEVICE_PLATFORM>()).getInfo<CL_PLATFORM_NAME>() +
               " / " + device.getInfo<CL_DEVICE_NAME>();
    }

    PassTimes pass() override {
        cl::Event write_a, write_b, kernel, read;
        queue_.enqueueWriteBuffer(a_buf_, CL_FALSE, 0, bytes_, a, nullptr, &write_a);
        queue_.enqueueWriteBuffer(b_buf_, CL_FALSE, 0, bytes_, b, nullptr, &write_b);
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(threads),
                                    cl::NDRange(local_), nullptr, &kernel);
        queue_.enqueueReadBuffer(c_buf_, CL_TRUE, 0, bytes_, c, nullptr, &read);
        return {seconds_between(kernel, kernel), seconds_between(write_a, read)};
    }

private:
    std::size_t bytes_;
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Program program_;
    cl::Buffer a_buf_, b_buf_, c_buf_;
    cl::Kernel kernel_;
    std::size_t local_ = 1;
    std::unique_ptr<std::int32_t[]> host_a_, host_b_, host_c_;
};

// Every device of every platform, in order: --device indexes this list (never a prompt, unlike
// the book's create_some_context).
std::vector<cl::Device> all_devices() {
    std::vector<cl::Platform> platforms;
    try {
        cl::Platform::get(&platforms);
    } catch (const cl::Error& e) {
        throw CannotRun(fmt::format("no OpenCL platform ({} returned {})", e.what(), e.err()));
    }
    std::vector<cl::Device> devices;
    for (const cl::Platform& platform : platforms) {
        std::vector<cl::Device> some;
        try {
            platform.getDevices(CL_DEVICE_TYPE_ALL, &some);
        } catch (const cl::Error&) {
            continue; // CL_DEVICE_NOT_FOUND: a platform without devices
        }
        devices.insert(devices.end(), some.begin(), some.end());
    }
    if (devices.empty())
        throw CannotRun(fmt::format("no OpenCL device on {} platform(s)", platforms.size()));
    return devices;
}

} // namespace

std::unique_ptr<VectorSumDevice> open_opencl(unsigned device, workload::VectorOp op,
                                             std::uint64_t n) {
    const std::vector<cl::Device> devices = all_devices();
    if (device >= devices.size())
        throw UsageError(fmt::format("--device: no OpenCL device {} (this machine has {})", device,
                                     devices.size()));
    const cl::Device& d = devices[device];
    const std::uint64_t bytes = n * sizeof(std::int32_t);
    const std::uint64_t largest = d.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>();
    const std::uint64_t memory = d.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
    if (bytes > largest || 3 * bytes > memory)
        throw UsageError(fmt::format("--n: three vectors of {} bytes do not fit this OpenCL device "
                                     "(largest buffer {} bytes, memory {} bytes)",
                                     bytes, largest, memory));
    return std::make_unique<OpenClVectorSum>(d, op, n);
}

#else

std::unique_ptr<VectorSumDevice> open_opencl(unsigned, workload::VectorOp, std::uint64_t) {
    throw CannotRun("built without OpenCL (no OpenCL loader at build time, or PARCOOK_OPENCL=OFF)");
}

#endif

} // namespace parcook::gpu
