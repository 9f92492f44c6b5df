#include "parcook/host.hpp"

#include "parcook/errors.hpp"
#include "parcook/mpi_library.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mpi.h>
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
std::string mpiexec_path() {
    // A relocatable bundle (scripts/bundle) carries MPICH's launcher next to the binary.
    std::error_code error;
    const auto beside =
        std::filesystem::read_symlink("/proc/self/exe", error).parent_path() / "mpiexec";
    if (!error && access(beside.c_str(), X_OK) == 0)
        return beside.string();
    return PARCOOK_MPIEXEC;
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

std::string mpi_build_version() {
    return "MPICH " MPICH_VERSION;
}

std::string mpi_library_version() {
    try {
        load_mpi();
    } catch (const CannotRun& e) {
        return e.what();
    }
    char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int len = 0;
    MPI_Get_library_version(text, &len);
    std::string v(text, static_cast<std::size_t>(len));
    std::replace(v.begin(), v.end(), '\t', ' ');
    if (auto nl = v.find('\n'); nl != std::string::npos)
        v.resize(nl);
    return v;
}

} // namespace parcook
