// A monotonic stopwatch and the summary statistics of repeated measurements.
#pragma once
#include <chrono>
#include <vector>

namespace parcook {

class Stopwatch {
public:
    Stopwatch() : start_(clock::now()) {}
    void restart() { start_ = clock::now(); }
    double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }
    using clock = std::chrono::steady_clock;
    clock::time_point started() const { return start_; }

private:
    clock::time_point start_;
};

struct Stats {
    std::vector<double> samples; // raw values, in the order measured
    double min = 0, median = 0, mean = 0, stddev = 0, max = 0;

    static Stats of(std::vector<double> samples); // stddev is the sample standard deviation
};

} // namespace parcook
