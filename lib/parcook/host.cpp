#include "parcook/host.hpp"

#include "parcook/errors.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sys/resource.h>
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

// A "Key:   123 kB" line of /proc/self/status, in bytes (0 if absent).
std::uint64_t status_bytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0)
            return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10) * 1024;
    return 0;
}

// The least room under any memory limit of a cgroup (v2: memory.max and memory.current; v1:
// memory.limit_in_bytes and memory.usage_in_bytes) from `path` up to the mount's root (inside a
// container the root is the container's own group).
std::uint64_t cgroup_room(const std::filesystem::path& mount, const std::string& path, bool v2) {
    const char* limit_file = v2 ? "memory.max" : "memory.limit_in_bytes";
    const char* usage_file = v2 ? "memory.current" : "memory.usage_in_bytes";
    std::uint64_t room = UINT64_MAX;
    for (std::filesystem::path dir = mount / std::filesystem::path(path).relative_path();;
         dir = dir.parent_path()) {
        std::uint64_t limit = 0, usage = 0;
        if (std::ifstream(dir / limit_file) >> limit && std::ifstream(dir / usage_file) >> usage)
            room = std::min(room, limit > usage ? limit - usage : 0);
        if (dir == mount || !dir.has_relative_path())
            break;
    }
    return room;
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

// The smallest room left under the limits that apply to this process: the host's MemAvailable,
// every cgroup memory limit on the way to the root (containers, systemd slices), and the
// address-space and data-segment rlimits (`ulimit -v`, `ulimit -d`). A source that cannot be
// read sets no limit.
std::uint64_t memory_available() {
    std::uint64_t room = UINT64_MAX;
    if (const std::uint64_t free = meminfo_bytes("MemAvailable"))
        room = free;
    std::ifstream self_cgroup("/proc/self/cgroup");
    for (std::string line; std::getline(self_cgroup, line);) {
        const bool v2 = line.rfind("0::", 0) == 0;
        const std::size_t at = line.find(":memory:");
        if (!v2 && at == std::string::npos)
            continue;
        room = std::min(room, cgroup_room(v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory",
                                          line.substr(v2 ? 3 : at + 8), v2));
    }
    for (const auto& [resource, key] :
         {std::pair{RLIMIT_AS, "VmSize"}, std::pair{RLIMIT_DATA, "VmData"}}) {
        rlimit limit{};
        if (::getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
            const std::uint64_t used = status_bytes(key);
            room = std::min<std::uint64_t>(room, limit.rlim_cur > used ? limit.rlim_cur - used : 0);
        }
    }
    return room;
}

void require_descriptors(std::uint64_t more, std::string_view what, std::uint64_t highest) {
    std::error_code error;
    std::uint64_t open = 0;
    for (std::filesystem::directory_iterator fd("/proc/self/fd", error), end; !error && fd != end;
         fd.increment(error))
        ++open;
    const std::uint64_t need = std::max(open + more, highest + 1);
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur >= need)
        return;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < need)
        throw CannotRun(fmt::format("{} needs a limit of {} file descriptors ({} are open) and "
                                    "the hard limit is {} (ulimit -Hn)",
                                    what, need, open, limit.rlim_max));
    limit.rlim_cur = need;
    ::setrlimit(RLIMIT_NOFILE, &limit);
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
