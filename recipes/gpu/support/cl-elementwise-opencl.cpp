// gpu/cl-elementwise in OpenCL (the recipe is cl-elementwise.cpp): ElementwiseKernel, the analog
// of pyopencl.elementwise.ElementwiseKernel. It wraps an argument list and an operation into
//     __kernel void NAME(ARGUMENTS, const int n) { int i = get_global_id(0); if (i < n) { OP; } }
// with pointer arguments in __global memory, builds it once per context and source for the whole
// process (a second helper for the same expression takes the built program from the cache), and
// launches it over n work-items rounded up to whole work-groups (the guard drops the extra ones).
#include "gpu/support/cl-elementwise.hpp"
#include "gpu/support/expression.hpp"
#include "gpu/support/opencl.hpp"

#include "parcook/errors.hpp"
#include "parcook/stats.hpp"

#include <climits>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace parcook::gpu {
namespace {

// Built programs by (context, source). Never destroyed: OpenCL objects must not be released
// while the runtime shuts down at exit. Each cached program holds its context, so a context's
// handle cannot be reused by another while its entries exist.
struct ProgramCache {
    std::mutex mutex;
    std::map<std::pair<cl_context, std::string>, cl::Program> programs;
    std::uint64_t builds = 0;
};
ProgramCache& program_cache() {
    static auto* cache = new ProgramCache;
    return *cache;
}

// "int *a, int *b" -> "__global int *a, __global int *b" (as pyopencl does for pointers).
std::string global_pointers(std::string_view arguments) {
    std::string out;
    while (!arguments.empty()) {
        const std::size_t comma = std::min(arguments.find(','), arguments.size());
        std::string_view arg = arguments.substr(0, comma);
        arg.remove_prefix(std::min(arg.find_first_not_of(' '), arg.size()));
        const bool global = arg.find('*') != std::string_view::npos && !arg.starts_with("__global");
        out +=
            (out.empty() ? "" : ", ") + std::string(global ? "__global " : "") + std::string(arg);
        arguments.remove_prefix(std::min(comma + 1, arguments.size()));
    }
    return out;
}

class ElementwiseKernel {
public:
    // Throws std::invalid_argument for text that would escape the kernel, opencl::BuildError for
    // an operation that does not compile.
    ElementwiseKernel(const cl::Context& context, const cl::Device& device,
                      std::string_view arguments, std::string_view operation,
                      std::string_view name) {
        for (const std::string_view text : {arguments, operation})
            if (const std::string why = escapes_kernel_body(text); !why.empty())
                throw std::invalid_argument(why);
        const std::string source =
            fmt::format("__kernel void {}({}, const int n) {{\n    int i = get_global_id(0);\n"
                        "    if (i < n) {{ {}; }}\n}}\n",
                        name, global_pointers(arguments), operation);
        ProgramCache& cache = program_cache();
        const std::scoped_lock lock(cache.mutex);
        auto found = cache.programs.find({context(), source});
        if (found == cache.programs.end()) {
            const Stopwatch clock;
            cl::Program program = opencl::build_program(context, device, source.c_str());
            build_seconds = clock.seconds();
            ++cache.builds;
            found = cache.programs.emplace(std::pair{context(), source}, program).first;
        }
        kernel_ = cl::Kernel(found->second, std::string(name).c_str());
        local_ =
            std::min<std::size_t>(256, kernel_.getWorkGroupInfo<CL_KERNEL_WORK_GROUP_SIZE>(device));
    }

    std::size_t global_size(std::size_t n) const { return (n + local_ - 1) / local_ * local_; }

    // Launches over n items with `args` as the kernel's arguments, in order, then n.
    template <class... Args>
    cl::Event operator()(const cl::CommandQueue& queue, std::size_t n, const Args&... args) {
        cl_uint index = 0;
        (kernel_.setArg(index++, args), ...);
        kernel_.setArg(index, static_cast<cl_int>(n));
        cl::Event done;
        queue.enqueueNDRangeKernel(kernel_, cl::NullRange, cl::NDRange(global_size(n)),
                                   cl::NDRange(local_), nullptr, &done);
        return done;
    }

    double build_seconds = 0; // 0: taken from the cache

private:
    cl::Kernel kernel_;
    std::size_t local_ = 1;
};

class OpenClElementwise final : public ElementwiseDevice {
public:
    OpenClElementwise(const cl::Device& device, std::span<const std::int32_t> a,
                      std::span<const std::int32_t> b)
        : device_(device), context_(device), queue_(opencl::profiling_queue(context_, device)),
          a_(context_, CL_MEM_READ_ONLY, a.size()), b_(context_, CL_MEM_READ_ONLY, b.size()),
          c_(context_, CL_MEM_WRITE_ONLY, a.size()) {
        queue_.enqueueWriteBuffer(a_.get(), CL_TRUE, 0, a_.bytes(), a.data());
        queue_.enqueueWriteBuffer(b_.get(), CL_TRUE, 0, b_.bytes(), b.data());
        name = opencl::device_name(device);
    }

    ElementwiseRun run(const std::string& statement, std::span<std::int32_t> c) override {
        std::optional<ElementwiseKernel> kernel;
        try {
            kernel.emplace(context_, device_, "int *a, int *b, int *c", statement, "elementwise");
        } catch (const opencl::BuildError& e) {
            throw UsageError("--expr: does not compile: " + e.first_error());
        }
        // an element the kernel misses keeps INT_MIN
        queue_.enqueueFillBuffer(c_.get(), cl_int{INT_MIN}, 0, c_.bytes());
        const cl::Event done = (*kernel)(queue_, c_.size(), a_.get(), b_.get(), c_.get());
        queue_.enqueueReadBuffer(c_.get(), CL_TRUE, 0, c_.bytes(), c.data());
        threads = kernel->global_size(c_.size());
        return {opencl::seconds_between(done, done), kernel->build_seconds};
    }

private:
    cl::Device device_;
    cl::Context context_;
    cl::CommandQueue queue_;
    opencl::Buffer<std::int32_t> a_, b_, c_;
};

} // namespace

std::unique_ptr<ElementwiseDevice> open_opencl_elementwise(unsigned device,
                                                           std::span<const std::int32_t> a,
                                                           std::span<const std::int32_t> b) {
    const cl::Device d = opencl::choose_device(device);
    opencl::require_memory(d, a.size() * sizeof(std::int32_t), 3, "--n: three vectors");
    return std::make_unique<OpenClElementwise>(d, a, b);
}

std::uint64_t elementwise_builds() {
    ProgramCache& cache = program_cache();
    const std::scoped_lock lock(cache.mutex);
    return cache.builds;
}

} // namespace parcook::gpu
