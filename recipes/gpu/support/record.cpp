// What every gpu recipe records about its passes (see record.hpp).
#include "gpu/support/record.hpp"

#include "parcook/generator.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace parcook::gpu {

double PassLog::keep(const GpuPass& pass) {
    passes_.push_back(pass);
    return pass.kernel;
}

GpuPass PassLog::medians(const Context& ctx) const {
    const std::size_t skip = std::min<std::size_t>(ctx.common().warmup, passes_.size());
    auto median = [&](double GpuPass::*part) {
        std::vector<double> v;
        for (std::size_t i = skip; i < passes_.size(); ++i)
            v.push_back(passes_[i].*part);
        return v.empty() ? 0.0 : Stats::of(std::move(v)).median;
    };
    return {median(&GpuPass::kernel), median(&GpuPass::transfer), median(&GpuPass::end_to_end)};
}

void record_passes(Context& ctx, const GpuPass& median, Work work, std::optional<double> copy_gbs) {
    ctx.check(
        "0 < kernel time <= end-to-end time",
        median.kernel > 0 && median.kernel <= median.end_to_end,
        fmt::format("kernel {:.3g} s, end-to-end {:.3g} s", median.kernel, median.end_to_end));
    ctx.metric("kernel_seconds", median.kernel, "s");
    ctx.metric("transfer_seconds", median.transfer, "s");
    ctx.metric("end_to_end_seconds", median.end_to_end, "s");
    const double seconds = median.kernel > 0 ? median.kernel : 1;
    if (work.bytes > 0) {
        const double gbs = work.bytes / seconds / 1e9;
        ctx.metric("bandwidth", gbs, "GB/s");
        ctx.headline("bandwidth");
        if (copy_gbs && *copy_gbs > 0) {
            ctx.metric("copy_bandwidth", *copy_gbs, "GB/s");
            ctx.metric("pct_of_peak", 100 * gbs / *copy_gbs, "%");
        }
    }
    if (work.flops > 0) {
        ctx.metric("gflops", work.flops / seconds / 1e9, "GFLOP/s");
        ctx.headline("gflops");
    }
}

std::vector<std::pair<std::uint32_t, std::uint32_t>>
entries_to_check(std::uint32_t rows, std::uint32_t cols, std::uint64_t seed) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    if (std::uint64_t{rows} * cols <= (1u << 18)) {
        for (std::uint32_t i = 0; i < rows; ++i)
            for (std::uint32_t j = 0; j < cols; ++j)
                entries.emplace_back(i, j);
        return entries;
    }
    for (std::uint64_t k = 0; k < 1024; ++k)
        entries.emplace_back(static_cast<std::uint32_t>(draw_below(seed, 2 * k, rows)),
                             static_cast<std::uint32_t>(draw_below(seed, 2 * k + 1, cols)));
    return entries;
}

} // namespace parcook::gpu
