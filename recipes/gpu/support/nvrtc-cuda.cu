// Run-time compilation with NVRTC and loading with the runtime (see nvrtc.hpp). NVRTC itself is
// loaded on first use (cuda::library_symbol).
#include "gpu/support/cuda.hpp"
#include "gpu/support/nvrtc.hpp"
#include "parcook/errors.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <nvrtc.h>

namespace parcook::gpu {
namespace {

void nvrtc_check(nvrtcResult status, const char* call) {
    if (status != NVRTC_SUCCESS)
        throw std::runtime_error(std::string(call) + ": " +
                                 PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcGetErrorString)(status));
}

// The compiler's errors as one line: "line N: error: ..." joined by "; ".
std::string one_line_log(nvrtcProgram program) {
    std::size_t size = 0;
    PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcGetProgramLogSize)(program, &size);
    std::string log(size, '\0');
    PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcGetProgramLog)(program, log.data());
    std::string out;
    std::size_t begin = 0;
    while (begin < log.size()) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string::npos)
            end = log.size();
        std::string line = log.substr(begin, end - begin);
        begin = end + 1;
        if (line.find("error") == std::string::npos)
            continue;
        if (line.rfind("kernel.cu(", 0) == 0)
            line = "line " + line.substr(10, line.find(')') - 10) + line.substr(line.find(')') + 1);
        out += (out.empty() ? "" : "; ") + line;
    }
    return out.empty() ? "the compiler gave no message" : out;
}

} // namespace

CompiledSource compile_source(const std::string& source, std::string_view option) {
    static std::mutex mutex;
    static std::map<std::string, CompiledSource, std::less<>> cache;
    const std::lock_guard lock(mutex);
    if (const auto found = cache.find(source); found != cache.end()) {
        CompiledSource hit = found->second;
        hit.from_cache = true;
        return hit;
    }
    const auto t0 = std::chrono::steady_clock::now();
    nvrtcProgram program = nullptr;
    nvrtc_check(PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcCreateProgram)(&program, source.c_str(),
                                                                "kernel.cu", 0, nullptr, nullptr),
                "nvrtcCreateProgram");
    struct Owned {
        nvrtcProgram p;
        ~Owned() { PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcDestroyProgram)(&p); }
    } owned{program};
    // PTX for the oldest architecture this build carries: the driver compiles it for the GPU.
    const char* options[] = {"--gpu-architecture=compute_75"};
    const nvrtcResult status =
        PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcCompileProgram)(program, 1, options);
    if (status == NVRTC_ERROR_COMPILATION)
        throw UsageError(std::string(option) + ": does not compile: " + one_line_log(program));
    nvrtc_check(status, "nvrtcCompileProgram");
    std::size_t size = 0;
    nvrtc_check(PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcGetPTXSize)(program, &size), "nvrtcGetPTXSize");
    CompiledSource c;
    c.ptx.resize(size);
    nvrtc_check(PARCOOK_CUDA_LIBRARY(nvrtc, nvrtcGetPTX)(program, c.ptx.data()), "nvrtcGetPTX");
    c.compile_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return cache.emplace(source, std::move(c)).first->second;
}

cudaKernel_t load_kernel(const std::string& ptx, const char* name, double& seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    cudaLibrary_t library = nullptr;
    PARCOOK_CUDA_CHECK(
        cudaLibraryLoadData(&library, ptx.c_str(), nullptr, nullptr, 0, nullptr, nullptr, 0));
    cudaKernel_t kernel = nullptr;
    PARCOOK_CUDA_CHECK(cudaLibraryGetKernel(&kernel, library, name));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return kernel;
}

} // namespace parcook::gpu
