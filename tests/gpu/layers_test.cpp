// The gpu group's API layers (recipes/gpu/support/cuda.*, opencl.*), called directly: a failed
// call names itself with file and line, a missing GPU is CannotRun with the reason, and a kernel
// that does not compile reports the compiler's log. Each part is compiled where its API is.
#include "parcook/errors.hpp"
#include "parcook/subprocess.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#if PARCOOK_HAVE_CUDA
#include "gpu/support/cuda.hpp"
#endif
#if PARCOOK_HAVE_OPENCL
#include "gpu/support/opencl.hpp"
#endif

using Catch::Matchers::Contains;

namespace parcook::gpu {

#if PARCOOK_HAVE_CUDA
TEST_CASE("cuda layer: a failed call throws with the call, file, line and error") {
    CHECK_NOTHROW(PARCOOK_CUDA_CHECK(cudaSuccess));
    try {
        cuda::check(cudaErrorInvalidValue, "cudaMalloc(&p, n)", "kernel.cu", 12);
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Contains("kernel.cu:12: cudaMalloc(&p, n): cudaErrorInvalidValue"));
    }
}

TEST_CASE("cuda layer: opening a device without a GPU is CannotRun with the reason") {
    int count = 0;
    if (cudaGetDeviceCount(&count) == cudaSuccess && count > 0) {
        cudaGetLastError();
        CHECK_THROWS_AS(cuda::open_device(static_cast<unsigned>(count)), UsageError);
        const cuda::Device d = cuda::open_device(0);
        CHECK_FALSE(d.name.empty());
        CHECK(d.grid(1, 256) == 1);
        CHECK(d.grid(UINT64_C(1) << 40, 256) <=
              d.multiprocessors * (d.threads_per_multiprocessor / 256));
        return;
    }
    cudaGetLastError();
    CHECK_THROWS_WITH(cuda::open_device(0), Contains("no CUDA GPU ("));
    CHECK_THROWS_AS(cuda::open_device(0), CannotRun);
}
#endif

#if PARCOOK_HAVE_OPENCL
TEST_CASE("opencl layer: a kernel that does not compile reports the compiler's log") {
    cl::Device device;
    try {
        device = opencl::choose_device(0);
    } catch (const CannotRun&) {
        return; // no OpenCL platform here: the recipe test checks the exit 77
    }
    const cl::Context context(device);
    CHECK_NOTHROW(opencl::build_program(context, device, "__kernel void ok(__global int* x) {}"));
    CHECK_THROWS_WITH(
        opencl::build_program(context, device, "__kernel void broken(__global int* x) { y = 1; }"),
        Contains("OpenCL build failed") && Contains("'y'"));
    CHECK_THROWS_AS(opencl::choose_device(64), UsageError);
}
#endif

} // namespace parcook::gpu

namespace parcook::test {

// cuBLAS, cuFFT, cuRAND and NVRTC are loaded on first use: linked, they added ~0.3 s to every
// start of parcook (every test, every MPI rank). Only the runtime may be a start-up dependency,
// and never libcuda (a binary that needs it does not start without an NVIDIA driver).
TEST_CASE("parcook needs no CUDA library at start but the runtime") {
    if (!std::filesystem::exists("/usr/bin/readelf"))
        return; // no binutils here
    const Captured r =
        run_captured({"/usr/bin/readelf", "-d", PARCOOK_BINARY}, std::chrono::seconds(30));
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("NEEDED"));
    for (const char* lib : {"libcublas", "libcufft", "libcurand", "libnvrtc", "libcuda.so"})
        CHECK_THAT(r.out, !Catch::Matchers::Contains(std::string("[") + lib));
}

} // namespace parcook::test
