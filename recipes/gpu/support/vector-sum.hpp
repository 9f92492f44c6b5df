// gpu/vector-sum's one interface over its GPU APIs (BabelStream's Stream.h): the recipe,
// vector-sum.cpp, is plain C++ over it; each API is one file beside this one that holds its
// kernel and host program (vector-sum-cuda.cu, vector-sum-opencl.cpp), and a build without the
// API links its stand-in (cuda_absent.cpp, opencl_absent.cpp) instead.
#pragma once
#include "parcook/workloads.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace parcook::gpu {

struct PassTimes {
    double kernel;     // seconds, device events around the kernel alone
    double end_to_end; // seconds, device events from the first copy in to the end of the copy out
};

// One GPU API with its device chosen, its kernel ready and its buffers allocated for n elements.
class VectorSumDevice {
public:
    virtual ~VectorSumDevice() = default;
    // One pass of the book's host program: copy a and b in, run c = op(a, b), copy c out.
    virtual PassTimes pass() = 0;

    std::int32_t *a = nullptr, *b = nullptr, *c = nullptr; // host arrays (pinned where possible)
    std::string name;                                      // the device, as the API names it
    std::optional<double> peak_gbs;        // CUDA: the measured device-to-device copy bandwidth
    std::uint64_t threads = 0, groups = 0; // the launch: work-items and work-groups
};

// Open device number `device` of the API with buffers for n elements. Both throw CannotRun when
// the API (at build time), its driver or a device is missing, and UsageError for a --device
// that does not exist or an --n the device cannot hold.
std::unique_ptr<VectorSumDevice> open_cuda(unsigned device, workload::VectorOp op, std::uint64_t n);
std::unique_ptr<VectorSumDevice> open_opencl(unsigned device, workload::VectorOp op,
                                             std::uint64_t n);

} // namespace parcook::gpu
