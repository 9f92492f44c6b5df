#include "parcook/result.hpp"

#include <algorithm>

namespace parcook {

bool Result::verified() const {
    return !checks.empty() &&
           std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.passed; });
}

const Metric* Result::find_metric(std::string_view name) const {
    auto it = std::find_if(metrics.begin(), metrics.end(),
                           [&](const Metric& m) { return m.name == name; });
    return it == metrics.end() ? nullptr : &*it;
}

const Metric* Result::headline_metric() const {
    if (!headline.empty())
        return find_metric(headline);
    return metrics.empty() ? nullptr : &metrics.front();
}

} // namespace parcook
