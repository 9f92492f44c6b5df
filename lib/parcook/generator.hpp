// The counter-based input generator every model shares: element i of a stream is a pure function
// of (seed, i), so threads, processes, MPI ranks and GPU kernels draw identical inputs however
// the work is partitioned. It is splitmix64 evaluated at position i (usable in CUDA device code).
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define PARCOOK_HD __host__ __device__
#else
#define PARCOOK_HD
#endif

namespace parcook {

PARCOOK_HD constexpr std::uint64_t draw(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t z = seed + (index + 1) * UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

// Uniform in [0, 1) with 53 random bits.
PARCOOK_HD constexpr double draw_unit(std::uint64_t seed, std::uint64_t index) {
    return static_cast<double>(draw(seed, index) >> 11) * 0x1.0p-53;
}

// Uniform integer in [0, bound); the modulo bias is below 2^-57 for small bounds.
PARCOOK_HD constexpr std::uint64_t draw_below(std::uint64_t seed, std::uint64_t index,
                                              std::uint64_t bound) {
    return draw(seed, index) % bound;
}

} // namespace parcook
