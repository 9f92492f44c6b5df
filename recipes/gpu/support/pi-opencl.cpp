// gpu/pi --api opencl: the same count in OpenCL C (the recipe is pi.cpp). The shared generator is
// restated in OpenCL C (splitmix64 at (seed, index), 53 bits to [0, 1)); FP_CONTRACT OFF keeps
// x*x + y*y rounded as on the host. Each work-item counts a strided share of the samples into its
// own slot; the host adds the slots (64-bit atomics are optional in OpenCL 1.2).
#include "gpu/support/opencl.hpp"
#include "gpu/support/pi.hpp"

#include <numeric>
#include <vector>

namespace parcook::gpu {
namespace {

constexpr const char* kernel_source = R"CL(
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF
ulong draw(ulong seed, ulong index) {
    ulong z = seed + (index + 1) * 0x9e3779b97f4a7c15UL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}
double draw_unit(ulong seed, ulong index) {
    return (double)(draw(seed, index) >> 11) * 0x1.0p-53;
}
__kernel void count_hits(const ulong seed, const ulong n, __global ulong* hits) {
    const ulong stride = get_global_size(0);
    ulong mine = 0;
    for (ulong k = get_global_id(0); k < n; k += stride) {
        const double x = draw_unit(seed, 2 * k), y = draw_unit(seed, 2 * k + 1);
        mine += x * x + y * y < 1.0;
    }
    hits[get_global_id(0)] = mine;
}
)CL";

class OpenClPi final : public PiDevice {
public:
    explicit OpenClPi(const cl::Device& device)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          kernel_(opencl::build_program(context_, device, kernel_source), "count_hits") {
        const std::size_t units = device.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>();
        local_ =
            std::min<std::size_t>(64, kernel_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device));
        groups = units * 8;
        threads = groups * local_;
        slots_ = std::make_unique<opencl::Buffer<cl_ulong>>(context_, CL_MEM_WRITE_ONLY, threads);
        host_slots_.resize(threads);
        kernel_.setArg(2, slots_->get());
        name = opencl::device_name(device);
    }

    GpuPass pass(std::uint64_t seed, std::uint64_t n, std::uint64_t& hits) override {
        kernel_.setArg(0, static_cast<cl_ulong>(seed));
        kernel_.setArg(1, static_cast<cl_ulong>(n));
        cl::Event kernel, read;
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(threads),
                                    cl::NDRange(local_), nullptr, &kernel);
        queue_.enqueueReadBuffer(slots_->get(), CL_TRUE, 0, slots_->bytes(), host_slots_.data(),
                                 nullptr, &read);
        hits = std::accumulate(host_slots_.begin(), host_slots_.end(), std::uint64_t{0});
        const double k = opencl::seconds_between(kernel, kernel);
        const double end_to_end = opencl::seconds_between(kernel, read);
        return {k, end_to_end - k, end_to_end};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Kernel kernel_;
    std::size_t local_ = 1;
    std::unique_ptr<opencl::Buffer<cl_ulong>> slots_;
    std::vector<cl_ulong> host_slots_;
};

} // namespace

std::unique_ptr<PiDevice> open_pi_opencl(unsigned device, std::uint64_t) {
    return std::make_unique<OpenClPi>(opencl::choose_device(device));
}

} // namespace parcook::gpu
