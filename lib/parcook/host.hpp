// Facts about the machine and the build, for `parcook --version` and the JSON context block.
#pragma once
#include <cstdint>
#include <string>

namespace parcook {

struct HostFacts {
    std::string hostname;
    unsigned cores;
    std::uint64_t memory_total;     // bytes
    std::uint64_t memory_available; // bytes (MemAvailable)
    std::string cpu_model;
    std::string os;
};

const HostFacts& host();
std::uint64_t memory_available(); // read fresh from /proc/meminfo

std::string compiler();
std::string build_type();
bool have_cuda();
bool have_opencl();
std::string version();

} // namespace parcook
