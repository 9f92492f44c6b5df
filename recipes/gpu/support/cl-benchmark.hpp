// gpu/cl-benchmark's one interface: the book's GPU test, where work-item i repeats
// c[i] = a[i] + b[i] `iterations` times, on float32. Each API is one file beside this one
// (cl-benchmark-opencl.cpp, cl-benchmark-cuda.cu); a build without the API links its stand-in
// (opencl_absent.cpp, cuda_absent.cpp) instead.
// Every repetition is a real load, add and store (the pointers are volatile in the kernel, as in
// the recipe's CPU loop), so no compiler can fold the loop into one addition on either side.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace parcook::gpu {

struct BenchmarkTimes {
    double kernel; // seconds, device events around the kernel alone
    double total;  // seconds, device events from the first copy in to the end of the copy out
};

class BenchmarkDevice {
public:
    virtual ~BenchmarkDevice() = default;
    // Copies a and b in, runs the kernel, copies c out (all spans hold the n of the opening).
    virtual BenchmarkTimes run(std::span<const float> a, std::span<const float> b,
                               std::span<float> c, std::uint32_t iterations) = 0;
    std::string name; // the device, as the API names it
};

// Device `device` of the API with buffers for n floats each. Throw CannotRun when the API (at
// build time), its driver or a device is missing, UsageError for a --device or --n it cannot serve.
std::unique_ptr<BenchmarkDevice> open_opencl_benchmark(unsigned device, std::uint64_t n);
std::unique_ptr<BenchmarkDevice> open_cuda_benchmark(unsigned device, std::uint64_t n);

} // namespace parcook::gpu
