// gpu/word-count --api opencl: one work-item per word id, atomic_inc on its count (32-bit
// atomics are core OpenCL); the recipe is word-count.cpp.
#include "gpu/support/opencl.hpp"
#include "gpu/support/word-count.hpp"

namespace parcook::gpu {
namespace {

constexpr const char* kernel_source = R"CL(
__kernel void histogram(__global const uint* ids, const ulong n, __global uint* counts) {
    const size_t i = get_global_id(0);
    if (i < n)
        atomic_inc(&counts[ids[i]]);
}
)CL";

class OpenClWordCount final : public WordCountDevice {
public:
    OpenClWordCount(const cl::Device& device, const WordIds& text)
        : context_(device), queue_(opencl::profiling_queue(context_, device)),
          kernel_(opencl::build_program(context_, device, kernel_source), "histogram"),
          ids_(context_, CL_MEM_READ_ONLY, std::max<std::size_t>(1, text.ids.size())),
          counts_(context_, CL_MEM_READ_WRITE, std::max<std::size_t>(1, text.words.size())),
          host_ids_(text.ids) {
        kernel_.setArg(0, ids_.get());
        kernel_.setArg(1, static_cast<cl_ulong>(host_ids_.size()));
        kernel_.setArg(2, counts_.get());
        local_ =
            std::min<std::size_t>(256, kernel_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device));
        groups = std::max<std::size_t>(1, (host_ids_.size() + local_ - 1) / local_);
        threads = groups * local_;
        name = opencl::device_name(device);
    }

    GpuPass pass(std::vector<std::uint32_t>& counts) override {
        cl::Event write, fill, kernel, read;
        if (!host_ids_.empty())
            queue_.enqueueWriteBuffer(ids_.get(), CL_FALSE, 0, host_ids_.size() * 4,
                                      host_ids_.data(), nullptr, &write);
        queue_.enqueueFillBuffer(counts_.get(), cl_uint{0}, 0, counts_.bytes(), nullptr, &fill);
        queue_.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(threads),
                                    cl::NDRange(local_), nullptr, &kernel);
        counts.resize(counts_.size());
        queue_.enqueueReadBuffer(counts_.get(), CL_TRUE, 0, counts_.bytes(), counts.data(), nullptr,
                                 &read);
        const double k = opencl::seconds_between(kernel, kernel);
        const double end_to_end = opencl::seconds_between(host_ids_.empty() ? fill : write, read);
        return {k, end_to_end - k, end_to_end};
    }

private:
    cl::Context context_;
    cl::CommandQueue queue_;
    cl::Kernel kernel_;
    opencl::Buffer<cl_uint> ids_, counts_;
    std::vector<std::uint32_t> host_ids_;
    std::size_t local_ = 1;
};

} // namespace

std::unique_ptr<WordCountDevice> open_word_count_opencl(unsigned device, const WordIds& text) {
    return std::make_unique<OpenClWordCount>(opencl::choose_device(device), text);
}

} // namespace parcook::gpu
