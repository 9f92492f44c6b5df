// The gpu group's OpenCL layer, for the OpenCL back-ends (support/*-opencl.cpp), over the
// OpenCL C++ bindings (whose objects free themselves: cl::Buffer, cl::Event, ...): choosing a
// device by --device, building a program with the compiler's log in the error, buffers sized
// against the device, a profiling queue and the time between profiled events. Compiled only when
// the build finds an OpenCL loader; without it, opencl_absent.cpp stands in for the back-ends.
// With PoCL, OpenCL runs on the CPU: that is how machines without a GPU run these recipes.
#pragma once
#define CL_HPP_TARGET_OPENCL_VERSION 120
#define CL_HPP_MINIMUM_OPENCL_VERSION 120
#define CL_HPP_ENABLE_EXCEPTIONS
#include <CL/opencl.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace parcook::gpu::opencl {

// Device `index` among every device of every platform, in order (never a prompt, unlike the
// book's create_some_context). Throws CannotRun where there is no platform or no device, and
// UsageError naming --device for an index beyond them.
cl::Device choose_device(unsigned index);
// "platform / device", as the implementation names them.
std::string device_name(const cl::Device& device);

// Throws UsageError "<what> ..." unless `count` buffers of `bytes` each fit the device.
void require_memory(const cl::Device& device, std::uint64_t bytes, unsigned count,
                    const std::string& what);

// `count` elements of T in device memory (cl::Buffer frees itself), as in the CUDA layer.
template <class T>
class Buffer {
public:
    Buffer(const cl::Context& context, cl_mem_flags flags, std::size_t count)
        : buffer_(context, flags, count * sizeof(T)), count_(count) {}
    const cl::Buffer& get() const { return buffer_; }
    std::size_t size() const { return count_; }
    std::size_t bytes() const { return count_ * sizeof(T); }

private:
    cl::Buffer buffer_;
    std::size_t count_;
};

// A failed build: "OpenCL build failed: <log>", and the compiler's log alone.
struct BuildError : std::runtime_error {
    explicit BuildError(const std::string& log);
    std::string log;
    // The log's first line that names an error ("<source>:3:14: error: ..."), else its first line.
    std::string first_error() const;
};

// A program built from source at run time (as pyopencl's cl.Program(...).build() does); a
// failed build throws BuildError with the compiler's log.
cl::Program build_program(const cl::Context& context, const cl::Device& device, const char* source);

// A command queue whose events carry device timestamps.
cl::CommandQueue profiling_queue(const cl::Context& context, const cl::Device& device);

// Seconds from the start of `first` to the end of `last` on the device's profiling clock.
double seconds_between(const cl::Event& first, const cl::Event& last);

} // namespace parcook::gpu::opencl
