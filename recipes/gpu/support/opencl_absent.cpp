// Stands in for the OpenCL back-ends when the build found no OpenCL loader (or
// PARCOOK_OPENCL=OFF): opening an OpenCL device throws CannotRun with the reason, so
// --api opencl exits 77. One line per OpenCL back-end.
#include "gpu/support/fib-map.hpp"
#include "gpu/support/pi.hpp"
#include "gpu/support/vector-sum.hpp"
#include "gpu/support/word-count.hpp"

#include "parcook/errors.hpp"

namespace parcook::gpu {
namespace {

[[noreturn]] void absent() {
    throw CannotRun("built without OpenCL (no OpenCL loader at build time, or PARCOOK_OPENCL=OFF)");
}

} // namespace

std::unique_ptr<VectorSumDevice> open_opencl(unsigned, workload::VectorOp, std::uint64_t) {
    absent();
}
std::unique_ptr<PiDevice> open_pi_opencl(unsigned, std::uint64_t) {
    absent();
}
std::unique_ptr<FibDevice> open_fib_opencl(unsigned, const FibFrontier&, std::size_t) {
    absent();
}
std::unique_ptr<WordCountDevice> open_word_count_opencl(unsigned, const WordIds&) {
    absent();
}

} // namespace parcook::gpu
