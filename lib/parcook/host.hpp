// Facts about the machine and the build, for `parcook --version` and the JSON context block.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

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

// Makes room for `more` file descriptors beyond those open now, and for descriptor numbers up to
// `highest`, raising the soft limit (ulimit -n) up to the hard one; CannotRun naming `what` and
// the limits when the hard limit is too low.
void require_descriptors(std::uint64_t more, std::string_view what, std::uint64_t highest = 0);

std::string compiler();
std::string build_type();
bool have_cuda();
bool have_opencl();
std::string version();

} // namespace parcook
