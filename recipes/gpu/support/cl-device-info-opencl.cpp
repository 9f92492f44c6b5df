// gpu/cl-device-info in OpenCL: cl::Platform::get, getDevices(CL_DEVICE_TYPE_ALL) and getInfo for
// each field the book prints (the recipe is cl-device-info.cpp).
#include "gpu/support/cl-device-info.hpp"
#include "gpu/support/opencl.hpp"

#include "parcook/errors.hpp"

#include <fmt/format.h>

namespace parcook::gpu {
namespace {

std::string type_words(cl_device_type type) {
    constexpr std::pair<cl_device_type, const char*> bits[] = {
        {CL_DEVICE_TYPE_DEFAULT, "DEFAULT"},
        {CL_DEVICE_TYPE_CPU, "CPU"},
        {CL_DEVICE_TYPE_GPU, "GPU"},
        {CL_DEVICE_TYPE_ACCELERATOR, "ACCELERATOR"},
        {CL_DEVICE_TYPE_CUSTOM, "CUSTOM"}};
    std::string words;
    for (const auto& [bit, word] : bits)
        if (type & bit)
            words += (words.empty() ? "" : " | ") + std::string(word);
    return words.empty() ? fmt::format("{:#x}", type) : words;
}

ClDeviceFacts facts(const cl::Device& d) {
    const cl_device_type type = d.getInfo<CL_DEVICE_TYPE>();
    return {.name = d.getInfo<CL_DEVICE_NAME>(),
            .type = type_words(type),
            .cpu = (type & CL_DEVICE_TYPE_CPU) != 0,
            .clock_mhz = d.getInfo<CL_DEVICE_MAX_CLOCK_FREQUENCY>(),
            .compute_units = d.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>(),
            .local_memory = d.getInfo<CL_DEVICE_LOCAL_MEM_SIZE>(),
            .constant_memory = d.getInfo<CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE>(),
            .global_memory = d.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>(),
            .max_buffer = d.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>(),
            .max_work_group = d.getInfo<CL_DEVICE_MAX_WORK_GROUP_SIZE>()};
}

} // namespace

std::vector<ClPlatformFacts> opencl_platforms() {
    std::vector<cl::Platform> platforms;
    try {
        cl::Platform::get(&platforms);
    } catch (const cl::Error& e) {
        throw CannotRun(fmt::format("no OpenCL platform ({} returned {})", e.what(), e.err()));
    }
    if (platforms.empty())
        throw CannotRun("no OpenCL platform");
    std::vector<ClPlatformFacts> all;
    for (const cl::Platform& p : platforms) {
        ClPlatformFacts& f = all.emplace_back(ClPlatformFacts{p.getInfo<CL_PLATFORM_NAME>(),
                                                              p.getInfo<CL_PLATFORM_VENDOR>(),
                                                              p.getInfo<CL_PLATFORM_VERSION>(),
                                                              p.getInfo<CL_PLATFORM_PROFILE>(),
                                                              {}});
        std::vector<cl::Device> devices;
        try {
            p.getDevices(CL_DEVICE_TYPE_ALL, &devices);
        } catch (const cl::Error&) {
            continue; // CL_DEVICE_NOT_FOUND: a platform without devices
        }
        for (const cl::Device& d : devices)
            f.devices.push_back(facts(d));
    }
    return all;
}

} // namespace parcook::gpu
