// gpu/fib-map's one interface over its GPU APIs (as vector-sum.hpp): fib-map.cpp is the recipe,
// fib-map-cuda.cu and fib-map-opencl.cpp the kernels. The host expands each task's recursion a
// few levels into a frontier of leaves (fib(k) = sum of fib over the leaves); each leaf is one
// device thread that evaluates its fib(m) by the naive recursion.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace parcook::gpu {

// The frontier of `tasks` expanded `depth` levels: leaf j computes fib(m[j]) for task task[j].
struct FibFrontier {
    std::vector<std::uint32_t> m, task;
};
FibFrontier expand_fib(const std::vector<unsigned>& tasks, unsigned depth);

class FibDevice {
public:
    virtual ~FibDevice() = default;
    // One pass: evaluate every leaf on the device, sum per task, copy the values out.
    virtual GpuPass pass(std::vector<std::uint64_t>& values) = 0;

    std::string name;
    std::uint64_t threads = 0; // one per leaf
};

std::unique_ptr<FibDevice> open_fib_cuda(unsigned device, const FibFrontier& frontier,
                                         std::size_t tasks);
std::unique_ptr<FibDevice> open_fib_opencl(unsigned device, const FibFrontier& frontier,
                                           std::size_t tasks);

} // namespace parcook::gpu
