#include "parcook/host.hpp"

#include <algorithm>
#include <fstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

std::uint64_t meminfo_bytes(const std::string& key) {
    std::ifstream in("/proc/meminfo");
    std::string name;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> name >> kib >> unit)
        if (name == key + ":")
            return kib * 1024;
    return 0;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown";
}

} // namespace

const HostFacts& host() {
    static const HostFacts facts = [] {
        HostFacts f;
        char name[256] = {};
        gethostname(name, sizeof name - 1);
        f.hostname = name;
        f.cores = std::max(1u, std::thread::hardware_concurrency());
        f.memory_total = meminfo_bytes("MemTotal");
        f.memory_available = meminfo_bytes("MemAvailable");
        f.cpu_model = cpu_model();
        utsname u{};
        uname(&u);
        f.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
        return f;
    }();
    return facts;
}

std::uint64_t memory_available() {
    return meminfo_bytes("MemAvailable");
}

std::string compiler() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "g++ " __VERSION__;
#else
    return "unknown";
#endif
}

std::string build_type() {
    return PARCOOK_BUILD_TYPE;
}
std::string version() {
    return PARCOOK_VERSION;
}
bool have_cuda() {
    return PARCOOK_HAVE_CUDA;
}
bool have_opencl() {
    return PARCOOK_HAVE_OPENCL;
}

} // namespace parcook
