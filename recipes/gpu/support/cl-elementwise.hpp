// gpu/cl-elementwise's one interface: the book's arguments "int *a, int *b, int *c" with a and b
// on a device, and any element-wise statement over them run there through the ElementwiseKernel
// helper of the OpenCL back-end (cl-elementwise-opencl.cpp); a build without OpenCL links its
// stand-in in opencl_absent.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace parcook::gpu {

struct ElementwiseRun {
    double kernel_seconds = 0; // device profiling clock, the kernel alone
    double build_seconds = 0;  // compiling the kernel; 0 when it came from the cache
};

class ElementwiseDevice {
public:
    virtual ~ElementwiseDevice() = default;
    // Runs `statement` ("c[i] = ...") for every i < n and copies c back into `c` (n elements).
    // The kernel is built on its first use in the process and taken from the cache after that.
    // Throws UsageError "--expr: does not compile: <the compiler's first error>".
    virtual ElementwiseRun run(const std::string& statement, std::span<std::int32_t> c) = 0;

    std::string name;          // the device, as OpenCL names it
    std::uint64_t threads = 0; // work-items launched: n rounded up to whole work-groups
};

// Device `device` (counted as opencl::choose_device counts) holding copies of a and b.
// Throws CannotRun without OpenCL, UsageError for a --device or --n it cannot serve.
std::unique_ptr<ElementwiseDevice> open_opencl_elementwise(unsigned device,
                                                           std::span<const std::int32_t> a,
                                                           std::span<const std::int32_t> b);

// Kernels the ElementwiseKernel helper has compiled in this process (0 without OpenCL).
std::uint64_t elementwise_builds();

} // namespace parcook::gpu
