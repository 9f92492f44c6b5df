// gpu/cl-device-info's one interface: what OpenCL reports about each platform and device, in the
// book's fields. The OpenCL back-end is cl-device-info-opencl.cpp; a build without OpenCL links
// its stand-in in opencl_absent.cpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace parcook::gpu {

struct ClDeviceFacts {
    std::string name;
    std::string type; // the CL_DEVICE_TYPE bits as words: "CPU", "GPU", "ACCELERATOR | DEFAULT"
    bool cpu = false;
    std::uint64_t clock_mhz = 0, compute_units = 0;
    std::uint64_t local_memory = 0, constant_memory = 0, global_memory = 0; // bytes
    std::uint64_t max_buffer = 0;     // bytes, the largest single allocation
    std::uint64_t max_work_group = 0; // work-items
};

struct ClPlatformFacts {
    std::string name, vendor, version, profile;
    std::vector<ClDeviceFacts> devices;
};

// Every platform with its devices, in the order --device counts them (platform by platform).
// Throws CannotRun where there is no OpenCL platform (or the build has no OpenCL).
std::vector<ClPlatformFacts> opencl_platforms();

} // namespace parcook::gpu
