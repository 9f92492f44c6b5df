#include "parcook/mpi_library.hpp"

#include "parcook/errors.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <fmt/format.h>
#include <mpi.h>
#include <mutex>
#include <unistd.h>

namespace parcook {
namespace detail {
extern const char* const mpi_soname;
extern const char* const mpi_function_names[];
extern void** const mpi_function_slots[];
extern const unsigned mpi_function_count;
} // namespace detail

namespace {
std::atomic<bool> loaded{false};
std::mutex load_mutex;
} // namespace

void load_mpi() {
    if (loaded.load(std::memory_order_acquire))
        return;
    std::lock_guard lock(load_mutex);
    if (loaded.load(std::memory_order_relaxed))
        return;
    // RTLD_GLOBAL: MPICH's own plugins (UCX transports) resolve against it.
    void* handle = dlopen(detail::mpi_soname, RTLD_NOW | RTLD_GLOBAL);
    if (!handle)
        throw CannotRun(
            fmt::format("MPICH is not installed here ({}: {})", detail::mpi_soname, dlerror()));
    for (unsigned i = 0; i < detail::mpi_function_count; ++i) {
        void* fn = dlsym(handle, detail::mpi_function_names[i]);
        if (!fn)
            throw CannotRun(
                fmt::format("{} lacks {}", detail::mpi_soname, detail::mpi_function_names[i]));
        *detail::mpi_function_slots[i] = fn;
    }
    loaded.store(true, std::memory_order_release);
}

// Called by the trampolines on the first MPI call of a run.
extern "C" void parcook_mpi_autoload() {
    try {
        load_mpi();
    } catch (const CannotRun& e) {
        std::fprintf(stderr, "parcook: cannot run here: %s\n", e.what());
        std::_Exit(exit_cannot_run);
    }
}

bool mpi_loaded() {
    return loaded.load(std::memory_order_acquire);
}
std::string mpi_soname() {
    return detail::mpi_soname;
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

std::string mpiexec_path() {
    std::error_code error;
    const auto beside =
        std::filesystem::read_symlink("/proc/self/exe", error).parent_path() / "mpiexec";
    if (!error && access(beside.c_str(), X_OK) == 0)
        return beside.string();
    return PARCOOK_MPIEXEC;
}

} // namespace parcook
