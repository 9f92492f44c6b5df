// gpu/dot --api opencl: the analog of PyOpenCL's ReductionKernel(np.uint64, neutral "0",
// reduce_expr "a+b", map_expr "x[i]*y[i]") written out (the recipe is dot.cpp). As the kernels
// ReductionKernel generates, two stages: each work-group reduces a strided share of the products
// to one partial sum (a tree in local memory), then one work-group sums the partials the same way.
// uint64 is OpenCL's ulong, whose arithmetic wraps modulo 2^64 as the host's does.
#include "gpu/support/dot.hpp"
#include "gpu/support/opencl.hpp"

#include <algorithm>
#include <bit>
#include <memory>

namespace parcook::gpu {
namespace {

// The local size is a power of two, so the tree halves it to one work-item.
constexpr const char* kernel_source = R"CL(
void reduce_group(ulong mine, __local ulong* sums, __global ulong* out) {
    const size_t lid = get_local_id(0);
    sums[lid] = mine;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = get_local_size(0) / 2; width > 0; width /= 2) {
        if (lid < width)
            sums[lid] += sums[lid + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        out[get_group_id(0)] = sums[0];
}
__kernel void reduce_products(__global const ulong* x, __global const ulong* y, const ulong n,
                              __global ulong* partial, __local ulong* sums) {
    ulong mine = 0;
    for (ulong i = get_global_id(0); i < n; i += get_global_size(0))
        mine += x[i] * y[i];
    reduce_group(mine, sums, partial);
}
__kernel void sum_partials(__global const ulong* partial, const ulong groups,
                           __global ulong* sum, __local ulong* sums) {
    ulong mine = 0;
    for (ulong i = get_local_id(0); i < groups; i += get_local_size(0))
        mine += partial[i];
    reduce_group(mine, sums, sum);
}
)CL";

class OpenClDot final : public DotDevice {
public:
    OpenClDot(const cl::Device& device, std::uint64_t n)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          program_(opencl::build_program(context_, device, kernel_source)),
          products_(program_, "reduce_products"), partials_(program_, "sum_partials"),
          x_(context_, CL_MEM_READ_ONLY, n), y_(context_, CL_MEM_READ_ONLY, n) {
        const std::size_t most = std::min(
            {std::size_t{256}, products_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device),
             partials_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device)});
        local_ = std::bit_floor(most);
        // one work-item per element, at most 8 work-groups per compute unit (then strided)
        const std::uint64_t units = device.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>();
        groups_ = std::clamp<std::uint64_t>((n + local_ - 1) / local_, 1, units * 8);
        partial_ = std::make_unique<opencl::Buffer<cl_ulong>>(context_, CL_MEM_READ_WRITE, groups_);
        sum_ = std::make_unique<opencl::Buffer<cl_ulong>>(context_, CL_MEM_READ_WRITE, 1);
        products_.setArg(0, x_.get());
        products_.setArg(1, y_.get());
        products_.setArg(2, static_cast<cl_ulong>(n));
        products_.setArg(3, partial_->get());
        products_.setArg(4, cl::Local(local_ * sizeof(cl_ulong)));
        partials_.setArg(0, partial_->get());
        partials_.setArg(1, static_cast<cl_ulong>(groups_));
        partials_.setArg(2, sum_->get());
        partials_.setArg(3, cl::Local(local_ * sizeof(cl_ulong)));
        name = opencl::device_name(device);
    }

    GpuPass pass(const std::uint64_t* x, const std::uint64_t* y, std::uint64_t& sum) override {
        // a stale sum from the last pass cannot pass for this one's
        queue_.enqueueFillBuffer(sum_->get(), ~cl_ulong{0}, 0, sum_->bytes());
        cl::Event write_x, write_y, stage_one, stage_two, read;
        queue_.enqueueWriteBuffer(x_.get(), CL_FALSE, 0, x_.bytes(), x, nullptr, &write_x);
        queue_.enqueueWriteBuffer(y_.get(), CL_FALSE, 0, y_.bytes(), y, nullptr, &write_y);
        queue_.enqueueNDRangeKernel(products_, cl::NullRange, cl::NDRange(groups_ * local_),
                                    cl::NDRange(local_), nullptr, &stage_one);
        queue_.enqueueNDRangeKernel(partials_, cl::NullRange, cl::NDRange(local_),
                                    cl::NDRange(local_), nullptr, &stage_two);
        cl_ulong result = 0;
        queue_.enqueueReadBuffer(sum_->get(), CL_TRUE, 0, sum_->bytes(), &result, nullptr, &read);
        sum = result;
        const double kernel = opencl::seconds_between(stage_one, stage_two);
        const double end_to_end = opencl::seconds_between(write_x, read);
        return {kernel, end_to_end - kernel, end_to_end};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Program program_;
    cl::Kernel products_, partials_;
    opencl::Buffer<cl_ulong> x_, y_;
    std::size_t local_ = 1;
    std::uint64_t groups_ = 1;
    std::unique_ptr<opencl::Buffer<cl_ulong>> partial_, sum_;
};

} // namespace

std::unique_ptr<DotDevice> open_dot_opencl(unsigned device, std::uint64_t n) {
    const cl::Device d = opencl::choose_device(device);
    opencl::require_memory(d, n * sizeof(std::uint64_t), 2, "--n: two vectors");
    return std::make_unique<OpenClDot>(d, n);
}

} // namespace parcook::gpu
