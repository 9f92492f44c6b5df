// Stands in for the CUDA back-ends when the build found no CUDA toolkit (or PARCOOK_CUDA=OFF):
// the recipe still registers, and opening a CUDA device throws CannotRun with the reason, so
// --api cuda exits 77 (stress-ng's "unimplemented reason"). One line per CUDA back-end.
#include "gpu/support/devices.hpp"
#include "gpu/support/fib-map.hpp"
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

CudaInventory cuda_inventory() {
    return {.absent = reason};
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

} // namespace parcook::gpu
