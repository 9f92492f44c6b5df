// Stands in for the CUDA back-ends when the build found no CUDA toolkit (or PARCOOK_CUDA=OFF):
// the recipe still registers, and opening a CUDA device throws CannotRun with the reason, so
// --api cuda exits 77 (stress-ng's "unimplemented reason"). One line per CUDA back-end.
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/cublas-gemm.hpp"
#include "gpu/support/devices.hpp"
#include "gpu/support/dot.hpp"
#include "gpu/support/double-matrix.hpp"
#include "gpu/support/elementwise.hpp"
#include "gpu/support/fib-map.hpp"
#include "gpu/support/gpuarray.hpp"
#include "gpu/support/gufunc-matmul.hpp"
#include "gpu/support/matmul.hpp"
#include "gpu/support/nvrtc.hpp"
#include "gpu/support/pi.hpp"
#include "gpu/support/vector-sum.hpp"
#include "gpu/support/word-count.hpp"

#include "parcook/errors.hpp"

namespace parcook::gpu {
namespace {

const char* const reason = "built without the CUDA toolkit (none found at build time, or "
                           "PARCOOK_CUDA=OFF)";

[[noreturn]] void absent() {
    throw CannotRun(reason);
}

} // namespace

int cuda_device_count() noexcept {
    return 0;
}

CudaInventory cuda_inventory() {
    CudaInventory none;
    none.absent = reason;
    return none;
}
std::unique_ptr<VectorSumDevice> open_cuda(unsigned, workload::VectorOp, std::uint64_t) {
    absent();
}
std::unique_ptr<PiDevice> open_pi_cuda(unsigned, std::uint64_t) {
    absent();
}
std::unique_ptr<FibDevice> open_fib_cuda(unsigned, const FibFrontier&, std::size_t) {
    absent();
}
std::unique_ptr<WordCountDevice> open_word_count_cuda(unsigned, const WordIds&) {
    absent();
}
std::unique_ptr<MatmulDevice> open_matmul(unsigned, unsigned) {
    absent();
}
std::unique_ptr<GufuncDevice> open_gufunc_matmul(unsigned, unsigned, unsigned) {
    absent();
}
std::unique_ptr<GemmDevice<double>> open_dgemm(unsigned, unsigned) {
    absent();
}
std::unique_ptr<GemmDevice<float>> open_sgemm(unsigned, unsigned) {
    absent();
}
GpuPass fft_round_trip(unsigned, std::vector<std::complex<double>>&) {
    absent();
}
GpuPass uniforms(unsigned, std::uint64_t, std::vector<double>&) {
    absent();
}
std::unique_ptr<DotDevice> open_dot_cuda(unsigned, std::uint64_t, DotImpl) {
    absent();
}
CompiledSource compile_source(const std::string&, std::string_view) {
    absent();
}
std::unique_ptr<ElementwiseDevice> open_elementwise(unsigned, std::uint64_t, std::uint64_t, float,
                                                    float, const std::string&) {
    absent();
}
std::unique_ptr<DoubleMatrixDevice> open_double_matrix(unsigned, unsigned, bool,
                                                       const std::string&) {
    absent();
}
GpuArrayRun gpuarray_double(unsigned, const std::vector<float>&) {
    absent();
}

std::unique_ptr<BenchmarkDevice> open_cuda_benchmark(unsigned, std::uint64_t) {
    absent();
}

} // namespace parcook::gpu
