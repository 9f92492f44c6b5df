// Run-time compilation, PyCUDA's SourceModule: CUDA C++ source compiled to PTX by NVRTC during a
// recipe's set-up, once per source per process (later requests are answered by the cache), with
// no GPU needed; the driver compiles the PTX for the device it is loaded on. Used by
// gpu/elementwise (kernels built from --expr) and gpu/double-matrix --jit. Compiled only with
// CUDA (nvrtc-cuda.cu); without it cuda_absent.cpp throws CannotRun.
#pragma once
#include <string>
#include <string_view>

namespace parcook::gpu {

struct CompiledSource {
    std::string ptx;
    double compile_seconds = 0; // NVRTC, the first time in this process
    bool from_cache = false;
};

// PTX for the oldest architecture this build carries (compute_75). Throws UsageError
// "<option>: does not compile: <the compiler's errors>" and CannotRun when NVRTC is missing.
CompiledSource compile_source(const std::string& source, std::string_view option);

} // namespace parcook::gpu

#if defined(__CUDACC__)
#include <cuda_runtime.h>

namespace parcook::gpu {

// Loads PTX into the current device (cudaLibraryLoadData: the runtime API, so parcook needs no
// libcuda to start) and returns its kernel `name`, for cudaLaunchKernel; `seconds` is the time it
// took. The module stays loaded for the rest of the process, as PyCUDA's modules do.
cudaKernel_t load_kernel(const std::string& ptx, const char* name, double& seconds);

} // namespace parcook::gpu
#endif
