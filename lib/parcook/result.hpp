// The record a recipe produces: parameters, outputs, metrics with units, timing statistics,
// the checks that verify it, and the trace of human-readable lines it printed.
#pragma once
#include "parcook/stats.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace parcook {

struct Metric {
    std::string name;
    double value;
    std::string unit; // "s", "GB/s", "ops/s", "us", ...
};

struct Check {
    std::string what; // the rule, e.g. "locked counter == 0"
    bool passed;
    std::string detail; // the observed values, shown on failure
};

struct TraceLine {
    double t; // seconds since the recipe started
    std::string who;
    std::string text;
};

struct Result {
    std::string recipe;          // "threads/lock"
    boost::json::object params;  // the inputs that shaped this run
    boost::json::object fields;  // outputs that are not measurements (result, checksum, ...)
    std::vector<Metric> metrics; // measurements, in the order recorded
    std::optional<Stats> timing; // the repeated timed region
    double setup_seconds = 0;    // work kept outside the timed region
    std::vector<Check> checks;
    std::vector<TraceLine> trace;
    boost::json::array ranks; // per-rank (or per-worker) detail, when the recipe has any
    std::string headline;     // metric shown by `parcook tour`; empty: the first metric

    // Verified means at least one check ran and every check passed.
    bool verified() const;
    const Metric* find_metric(std::string_view name) const;
    const Metric* headline_metric() const;
};

} // namespace parcook
