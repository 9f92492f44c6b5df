// gpu/fib-map: expanding the tasks' recursion into a frontier of leaves (see fib-map.hpp).
#include "gpu/support/fib-map.hpp"

namespace parcook::gpu {

FibFrontier expand_fib(const std::vector<unsigned>& tasks, unsigned depth) {
    FibFrontier f;
    for (std::uint32_t t = 0; t < tasks.size(); ++t) {
        std::vector<std::uint32_t> level{tasks[t]};
        for (unsigned d = 0; d < depth; ++d) {
            std::vector<std::uint32_t> next;
            for (std::uint32_t m : level) {
                if (m <= 2) {
                    next.push_back(m); // a base case stays a leaf
                } else {
                    next.push_back(m - 1);
                    next.push_back(m - 2);
                }
            }
            level = std::move(next);
        }
        f.m.insert(f.m.end(), level.begin(), level.end());
        f.task.insert(f.task.end(), level.size(), t);
    }
    return f;
}

} // namespace parcook::gpu
