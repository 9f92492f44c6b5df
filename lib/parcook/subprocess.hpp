// Runs a command to completion with its output captured and a time limit (used by
// `parcook tour` and by the end-to-end tests). The child gets its own process group, which is
// killed as a whole when the time runs out.
#pragma once
#include "parcook/parse.hpp"

#include <string>
#include <vector>

namespace parcook {

struct Captured {
    int exit_code = -1; // exit status, or -signal when killed by a signal
    bool timed_out = false;
    double seconds = 0;
    std::string out, err;
};

Captured run_captured(const std::vector<std::string>& argv, Duration timeout,
                      const std::string& input = {});

std::string self_exe(); // /proc/self/exe resolved

} // namespace parcook
