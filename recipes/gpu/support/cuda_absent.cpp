// Stands in for the CUDA back-ends when the build found no CUDA toolkit (or PARCOOK_CUDA=OFF):
// the recipe still registers, and opening a CUDA device throws CannotRun with the reason, so
// --api cuda exits 77 (stress-ng's "unimplemented reason"). One line per CUDA back-end.
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/vector-sum.hpp"

#include "parcook/errors.hpp"

namespace parcook::gpu {
namespace {

[[noreturn]] void absent() {
    throw CannotRun("built without the CUDA toolkit (none found at build time, or "
                    "PARCOOK_CUDA=OFF)");
}

} // namespace

std::unique_ptr<VectorSumDevice> open_cuda(unsigned, workload::VectorOp, std::uint64_t) {
    absent();
}

std::unique_ptr<BenchmarkDevice> open_cuda_benchmark(unsigned, std::uint64_t) {
    absent();
}

} // namespace parcook::gpu
