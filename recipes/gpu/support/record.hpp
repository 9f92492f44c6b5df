// What every gpu recipe records about its passes (plain C++, built with or without a GPU API):
// the kernel's time from device events, the transfers apart from it, the end-to-end time of a
// pass, the rate (GB/s the kernel moves, GFLOP/s where it computes) and pct_of_peak: the kernel's
// bandwidth as a share of the device-to-device copy bandwidth the same binary measured on that
// device (cuda::copy_bandwidth), the ceiling of a memory-bound kernel.
#pragma once
#include "gpu/support/api.hpp"
#include "gpu/support/gpu_pass.hpp"
#include "parcook/context.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parcook::gpu {

// The medians of the timed passes (warm-ups dropped) of one Context::measure_own.
class PassLog {
public:
    // Keeps `pass` and returns its kernel time, the time measure_own records: use as
    // `ctx.measure_own([&] { return log.keep(device->pass()); })`.
    double keep(const GpuPass& pass);
    GpuPass medians(const Context& ctx) const;

private:
    std::vector<GpuPass> passes_;
};

// What the kernel moved and computed, for the rates.
struct Work {
    double bytes = 0; // the fewest bytes the kernel must move through device memory
    double flops = 0; // floating-point (or integer) operations, 0 when not compute-bound
};

// Writes kernel_seconds, transfer_seconds, end_to_end_seconds, bandwidth (GB/s, when bytes > 0),
// gflops (when flops > 0), copy_bandwidth and pct_of_peak (when the copy bandwidth is known),
// and checks that 0 < kernel <= end-to-end. The headline is gflops, else bandwidth.
void record_passes(Context& ctx, const GpuPass& median, Work work, std::optional<double> copy_gbs);

// The (row, column) entries of a rows x cols result a CPU reference recomputes: all of them up to
// 2^18 entries, else 1024 drawn from the shared generator with `seed` (a CPU triple loop at
// n = 4096 would take minutes).
std::vector<std::pair<std::uint32_t, std::uint32_t>>
entries_to_check(std::uint32_t rows, std::uint32_t cols, std::uint64_t seed);

} // namespace parcook::gpu
