// The gpu group's OpenCL layer (see opencl.hpp).
#include "gpu/support/opencl.hpp"
#include "gpu/support/devices.hpp"

#include "parcook/errors.hpp"

#include <fmt/format.h>
#include <sstream>
#include <vector>

namespace parcook::gpu::opencl {

namespace {

// Every device of every platform, in order. Throws CannotRun where there is no platform.
std::vector<cl::Device> every_device(std::size_t& platform_count) {
    std::vector<cl::Platform> platforms;
    try {
        cl::Platform::get(&platforms);
    } catch (const cl::Error& e) {
        throw CannotRun(fmt::format("no OpenCL platform ({} returned {})", e.what(), e.err()));
    }
    platform_count = platforms.size();
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
    return devices;
}

} // namespace

cl::Device choose_device(unsigned index) {
    std::size_t platforms = 0;
    const std::vector<cl::Device> devices = every_device(platforms);
    if (devices.empty())
        throw CannotRun(fmt::format("no OpenCL device on {} platform(s)", platforms));
    if (index >= devices.size())
        throw UsageError(fmt::format("--device: no OpenCL device {} (this machine has {})", index,
                                     devices.size()));
    return devices[index];
}

std::string device_name(const cl::Device& device) {
    return cl::Platform(device.getInfo<CL_DEVICE_PLATFORM>()).getInfo<CL_PLATFORM_NAME>() + " / " +
           device.getInfo<CL_DEVICE_NAME>();
}

void require_memory(const cl::Device& device, std::uint64_t bytes, unsigned count,
                    const std::string& what) {
    const std::uint64_t largest = device.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>();
    const std::uint64_t memory = device.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
    if (bytes > largest || count * bytes > memory)
        throw UsageError(fmt::format("{} of {} bytes do not fit this OpenCL device (largest "
                                     "buffer {} bytes, memory {} bytes)",
                                     what, bytes, largest, memory));
}

BuildError::BuildError(const std::string& compiler_log)
    : std::runtime_error(fmt::format("OpenCL build failed: {}", compiler_log)), log(compiler_log) {}

std::string BuildError::first_error() const {
    std::istringstream lines(log);
    std::string line, first;
    while (std::getline(lines, line)) {
        if (line.find("error:") != std::string::npos)
            return line;
        if (first.empty())
            first = line;
    }
    return first;
}

cl::Program build_program(const cl::Context& context, const cl::Device& device,
                          const char* source) {
    cl::Program program(context, source);
    try {
        program.build({device});
    } catch (const cl::BuildError& e) {
        std::string log;
        for (const auto& [built_for, text] : e.getBuildLog())
            log += text;
        throw BuildError(log);
    }
    return program;
}

cl::CommandQueue profiling_queue(const cl::Context& context, const cl::Device& device) {
    return cl::CommandQueue(context, device, CL_QUEUE_PROFILING_ENABLE);
}

double seconds_between(const cl::Event& first, const cl::Event& last) {
    const auto start = first.getProfilingInfo<CL_PROFILING_COMMAND_START>();
    const auto end = last.getProfilingInfo<CL_PROFILING_COMMAND_END>();
    return static_cast<double>(end - start) * 1e-9;
}

} // namespace parcook::gpu::opencl

namespace parcook::gpu {

unsigned opencl_device_count() noexcept {
    try {
        std::size_t platforms = 0;
        return static_cast<unsigned>(opencl::every_device(platforms).size());
    } catch (...) {
        return 0;
    }
}

} // namespace parcook::gpu
