// Stands in for the OpenCL back-ends when the build found no OpenCL loader (or
// PARCOOK_OPENCL=OFF): opening an OpenCL device throws CannotRun with the reason, so
// --api opencl exits 77. One line per OpenCL back-end.
#include "gpu/support/cl-benchmark.hpp"
#include "gpu/support/cl-device-info.hpp"
#include "gpu/support/cl-elementwise.hpp"
#include "gpu/support/devices.hpp"
#include "gpu/support/dot.hpp"
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
std::unique_ptr<DotDevice> open_dot_opencl(unsigned, std::uint64_t) {
    absent();
}
std::unique_ptr<FibDevice> open_fib_opencl(unsigned, const FibFrontier&, std::size_t) {
    absent();
}
std::unique_ptr<WordCountDevice> open_word_count_opencl(unsigned, const WordIds&) {
    absent();
}

std::vector<ClPlatformFacts> opencl_platforms() {
    absent();
}

std::unique_ptr<BenchmarkDevice> open_opencl_benchmark(unsigned, std::uint64_t) {
    absent();
}

std::unique_ptr<ElementwiseDevice> open_opencl_elementwise(unsigned, std::span<const std::int32_t>,
                                                           std::span<const std::int32_t>) {
    absent();
}
std::uint64_t elementwise_builds() {
    return 0;
}
unsigned opencl_device_count() noexcept {
    return 0;
}

} // namespace parcook::gpu
