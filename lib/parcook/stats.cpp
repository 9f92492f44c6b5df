#include "parcook/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace parcook {

Stats Stats::of(std::vector<double> samples) {
    Stats s;
    s.samples = std::move(samples);
    if (s.samples.empty())
        return s;
    std::vector<double> sorted = s.samples;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    s.min = sorted.front();
    s.max = sorted.back();
    s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
    if (n > 1) {
        double sq = 0;
        for (double x : sorted)
            sq += (x - s.mean) * (x - s.mean);
        s.stddev = std::sqrt(sq / static_cast<double>(n - 1));
    }
    return s;
}

} // namespace parcook
